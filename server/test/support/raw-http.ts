import http from 'node:http';
import { expect } from 'vitest';

/**
 * Requests sent with node:http, so paths, headers and bytes go out exactly as written (fetch would
 * normalize them): for the hostile-input and fuzz tests.
 */
export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Names the request in a timeout error. */
  label?: string;
  timeoutMs?: number;
}

/** One request; only Content-Length is added (when there is a body), every other header is the caller's. */
export function sendRaw(baseUrl: string, agent: http.Agent, request: RawRequest): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        hostname,
        port,
        method: request.method,
        path: request.path,
        headers: { ...request.headers, ...(body ? { 'Content-Length': String(body.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(request.timeoutMs ?? 10_000, () =>
      req.destroy(new Error(`timeout${request.label ? `: ${request.label}` : ''}`)),
    );
    req.end(body);
  });
}

export interface RawClient {
  cookie: string | null;
  csrfToken: string | null;
}

/** A session like the SPA's: a CSRF token first (when the BFF hands one out), then, if given, a sign-in. */
export async function openRawClient(
  baseUrl: string,
  agent: http.Agent,
  signIn: { cloud: string; password: string } | null,
): Promise<RawClient> {
  const client: RawClient = { cookie: null, csrfToken: null };
  // The session and the CSRF cookie, as one Cookie header (a later one of a name replaces it).
  const jar = new Map<string, string>();
  const keepCookie = (answer: RawAnswer) => {
    for (const line of answer.headers['set-cookie'] ?? []) {
      const pair = line.split(';')[0]!;
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    client.cookie = jar.size > 0 ? [...jar].map(([name, value]) => `${name}=${value}`).join('; ') : null;
  };
  const csrf = await sendRaw(baseUrl, agent, { label: 'csrf', method: 'GET', path: '/api/csrf' });
  if (csrf.status === 200) {
    keepCookie(csrf);
    client.csrfToken = (JSON.parse(csrf.text) as { csrfToken: string }).csrfToken;
  }
  if (signIn) {
    const login = await sendRaw(baseUrl, agent, {
      label: 'login',
      method: 'POST',
      path: '/api/session',
      headers: {
        ...(client.cookie ? { Cookie: client.cookie } : {}),
        ...(client.csrfToken ? { 'X-CSRF-Token': client.csrfToken } : {}),
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(signIn),
    });
    expect(login.status, login.text).toBe(201);
    keepCookie(login);
    // The sign-in rotated the CSRF token with the session id: fetch the new one, like the SPA.
    const rotated = await sendRaw(baseUrl, agent, {
      label: 'csrf',
      method: 'GET',
      path: '/api/csrf',
      headers: client.cookie ? { Cookie: client.cookie } : {},
    });
    expect(rotated.status, rotated.text).toBe(200);
    keepCookie(rotated);
    client.csrfToken = (JSON.parse(rotated.text) as { csrfToken: string }).csrfToken;
  }
  return client;
}
