import type { ServerResponse } from 'node:http';
import { badRequestMessage, sendKeystoneError, sendUnauthorized } from './keystone-errors.js';
import { type DemoWorld } from './demo-world.js';

/** The auth URL Keystone names in its 401 answers (WWW-Authenticate). */
export function authUri(world: DemoWorld): string {
  return `${world.url}/v3`;
}

/** A lookup that either found its value or knows the Keystone answer that says why not. */
export type Resolution<T> = { ok: true; value: T } | { ok: false; send: (res: ServerResponse) => void };

export function fail(
  status: 400 | 401 | 404,
  world: DemoWorld,
  message?: string,
): { ok: false; send: (res: ServerResponse) => void } {
  if (status === 401) return { ok: false, send: (res) => sendUnauthorized(res, authUri(world)) };
  if (status === 404) {
    return {
      ok: false,
      send: (res) => sendKeystoneError(res, 404, 'Not Found', message ?? 'Failed to validate token'),
    };
  }
  return {
    ok: false,
    send: (res) => sendKeystoneError(res, 400, 'Bad Request', badRequestMessage(message ?? '')),
  };
}
