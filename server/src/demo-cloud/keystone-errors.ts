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

/**
 * 401 from one of Keystone's auth plugin errors (AuthPluginException): the message is shown, and an
 * `identity` object says more, e.g. the methods Keystone offers (lab:
 * `{"error":{"code":401,"identity":{},"message":"Error authenticating with application credential: …"}}`).
 */
export function sendAuthPluginError(
  res: ServerResponse,
  authUri: string,
  message: string,
  identity: Record<string, unknown> = {},
): void {
  sendKeystoneJson(
    res,
    401,
    { error: { code: 401, identity, message, title: 'Unauthorized' } },
    { 'WWW-Authenticate': `Keystone uri="${authUri}"` },
  );
}

/** The one 401 whose message Keystone does not hide: a receipt it did not issue, or expired, or another user's. */
export function sendReceiptNotFound(res: ServerResponse, authUri: string, receiptId: string): void {
  sendKeystoneError(res, 401, 'Unauthorized', `Could not find auth receipt: ${receiptId}.`, {
    headers: { 'WWW-Authenticate': `Keystone uri="${authUri}"` },
  });
}
