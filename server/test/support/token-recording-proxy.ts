import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of a Keystone (the demo cloud's or the real lab's) that records
 * every token Keystone issues through it (X-Subject-Token of a 201 to POST /v3/auth/tokens) and can
 * hold token requests until the test releases them: so a test knows every token the BFF obtained,
 * and can sign out while a renewal is still waiting for Keystone.
 */
export interface TokenRecordingProxy {
  /** The proxy's root URL, to use as the cloud's auth URL (with /v3). */
  url: string;
  /** Every token issued through the proxy, in order. */
  readonly issuedTokens: string[];
  /** From now on, token requests wait at the proxy until `release()`. */
  holdTokenRequests(): void;
  /** Resolves once a held token request has arrived. */
  tokenRequestHeld(): Promise<void>;
  /** Lets held token requests (and later ones) through. */
  release(): void;
  /** From now on, GET requests whose path matches answer 503 here (a catalog that fails, say). */
  failGets(path: RegExp | null): void;
  /** From now on, a token Keystone issues reaches the client with a body of the wrong shape. */
  garbleTokenBodies(isGarbled: boolean): void;
  close(): Promise<void>;
}

export async function startTokenRecordingProxy(target: string): Promise<TokenRecordingProxy> {
  const targetUrl = new URL(target);
  const issuedTokens: string[] = [];
  let gate: { open: Promise<void>; release: () => void } | null = null;
  let onHeld: (() => void) | null = null;
  let heldCount = 0;
  let failing: RegExp | null = null;
  let isGarbling = false;

  const server = http.createServer((req, res) => {
    const isTokenRequest = req.method === 'POST' && /\/auth\/tokens\/?$/.test(req.url ?? '');
    if (req.method === 'GET' && failing?.test(req.url ?? '')) {
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end('{"error": {"code": 503, "title": "Service Unavailable", "message": "test"}}');
      return;
    }
    const forward = () => {
      const upstream = http.request(
        {
          host: targetUrl.hostname,
          port: targetUrl.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: targetUrl.host },
        },
        (answer) => {
          const token = answer.headers['x-subject-token'];
          if (isTokenRequest && answer.statusCode === 201 && typeof token === 'string') {
            issuedTokens.push(token);
            if (isGarbling) {
              answer.resume();
              res.writeHead(201, { 'Content-Type': 'application/json', 'X-Subject-Token': token });
              res.end('{"token": {"methods": "not a list"}}');
              return;
            }
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    };
    if (isTokenRequest && gate) {
      const { open } = gate;
      heldCount += 1;
      onHeld?.();
      void open.then(forward);
    } else {
      forward();
    }
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    issuedTokens,
    holdTokenRequests() {
      let release = () => {};
      const open = new Promise<void>((resolve) => {
        release = resolve;
      });
      gate = { open, release };
      heldCount = 0;
    },
    tokenRequestHeld: () =>
      heldCount > 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            onHeld = () => {
              onHeld = null;
              resolve();
            };
          }),
    release() {
      gate?.release();
      gate = null;
    },
    failGets(path) {
      failing = path;
    },
    garbleTokenBodies(isGarbled) {
      isGarbling = isGarbled;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
