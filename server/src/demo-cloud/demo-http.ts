import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Response writers that copy the real services' wire details: Keystone answers compact JSON
 * (`{"error":{"code":401,...}}`), Neutron answers Python `json.dumps` output with a space after
 * every `,` and `:` (`{"error": {"code": 401, ...}}`), both observed in the lab.
 */

export function newRequestId(): string {
  return `req-${randomUUID()}`;
}

export function sendKeystoneJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    Vary: 'X-Auth-Token',
    'x-openstack-request-id': newRequestId(),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

export function sendNeutronJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = toPythonJson(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'X-Openstack-Request-Id': newRequestId(),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

/** Flask's generic page: what Keystone 22 answers for a path it does not route (e.g. /v2.0/tokens). */
export const flaskNotFoundHtml =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n' +
  '<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';

export const flaskMethodNotAllowedHtml =
  '<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n' +
  '<p>The method is not allowed for the requested URL.</p>\n';

/** webob's plain 404, what Neutron answers for an unknown resource path. */
export const webobNotFoundText = '404 Not Found\n\nThe resource could not be found.\n\n   ';

export function sendFlaskNotFound(res: ServerResponse): void {
  sendText(res, 404, 'text/html; charset=utf-8', flaskNotFoundHtml);
}

/** Serializes like Python's json.dumps defaults (", " and ": " separators). */
export function toPythonJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out += ', ';
      out += toPythonJson(value[i]);
    }
    return `${out}]`;
  }
  let out = '{';
  let isFirst = true;
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    if (!isFirst) out += ', ';
    out += `${JSON.stringify(key)}: ${toPythonJson(item)}`;
    isFirst = false;
  }
  return `${out}}`;
}

export class BodyTooLargeError extends Error {}

/** Reads a request body as text, at most `maxBytes` (a token request is a few hundred bytes). */
export async function readBodyText(req: IncomingMessage, maxBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) throw new BodyTooLargeError('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  if (Array.isArray(value)) return value[0];
  return value === '' ? undefined : value;
}

/**
 * Keystone hashes passwords and application credential secrets with bcrypt (its default), which
 * reads 72 bytes: Keystone cuts longer ones there (keystone/common/password_hashing.py), so the lab
 * takes its 86-character application credential secret with anything appended.
 */
export function isSameKeystoneSecret(given: string, stored: string): boolean {
  const cut = (text: string) => Buffer.from(text, 'utf8').subarray(0, 72);
  return cut(given).equals(cut(stored));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `2026-11-23T01:12:42.000000Z`: Keystone v3 (Fernet) timestamps, whole seconds. */
export function formatKeystoneTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}.000000Z`;
}

/** `2020-04-29T03:32:28.000405`: v2.0 `issued_at`, microseconds, NO time zone (seed 004). */
export function formatV2IssuedAt(ms: number): string {
  const micros = String((((ms % 1000) + 1000) % 1000) * 1000).padStart(6, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${micros}`;
}

/** `2020-04-29T15:31:21Z`: v2.0 `expires` and Neutron's created_at/updated_at. */
export function formatSecondsZ(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
