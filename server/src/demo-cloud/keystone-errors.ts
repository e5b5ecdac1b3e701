import type { ServerResponse } from 'node:http';
import { sendKeystoneJson, sendNeutronJson } from './demo-http.js';

/**
 * Keystone's error body: `{"error":{"code":N,"message":"...","title":"..."}}`
 * (https://docs.openstack.org/api-ref/identity/v3/#authentication-and-token-management, lab notes).
 * `compact` = Keystone v3 (Flask, compact JSON); otherwise Python json.dumps spacing (v2.0-era services).
 */
export function sendKeystoneError(
  res: ServerResponse,
  status: number,
  title: string,
  message: string,
  options: { headers?: Record<string, string>; isCompact?: boolean } = {},
): void {
  const body = { error: { code: status, message, title } };
  if (options.isCompact === false) sendNeutronJson(res, status, body, options.headers);
  else sendKeystoneJson(res, status, body, options.headers);
}

export const unauthorizedMessage = 'The request you have made requires authentication.';

/** 401 with `WWW-Authenticate: Keystone uri="<auth url>"`, identical for every cause (no hint which). */
export function sendUnauthorized(res: ServerResponse, authUri: string, isCompact = true): void {
  sendKeystoneError(res, 401, 'Unauthorized', unauthorizedMessage, {
    headers: { 'WWW-Authenticate': `Keystone uri="${authUri}"` },
    isCompact,
  });
}

/**
 * 429 for the per-user token-creation budget. OVH documents only the status (seed 003); the body
 * follows Keystone's error shape so a client parses it like any other Keystone error.
 */
export function sendTooManyTokenCreations(
  res: ServerResponse,
  retryAfterSeconds: number,
  perMinute: number,
  isCompact = true,
): void {
  sendKeystoneError(
    res,
    429,
    'Too Many Requests',
    `Too many token creations for this user: at most ${perMinute} per minute. Retry after ${retryAfterSeconds} s.`,
    { headers: { 'Retry-After': String(retryAfterSeconds) }, isCompact },
  );
}

export function badRequestMessage(detail: string): string {
  return `${detail} The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`;
}
