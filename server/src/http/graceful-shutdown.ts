import type { Server } from 'node:http';

export interface DrainResult {
  /** True when the deadline passed and the remaining connections were cut. */
  isForced: boolean;
}

/**
 * SIGTERM handling for orchestrators: stop accepting connections at once (new ones are refused),
 * let the requests in flight finish, close keep-alive connections as soon as they fall idle, and
 * after `timeoutMs` cut whatever is left. Resolves once the server is closed.
 */
export function drainServer(server: Server, timeoutMs: number): Promise<DrainResult> {
  return new Promise((resolve) => {
    let isForced = false;
    const deadline = setTimeout(() => {
      isForced = true;
      server.closeAllConnections();
    }, timeoutMs);
    // A connection whose last request just finished is idle now: close it rather than wait for
    // the client or the keep-alive timeout.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    // Answers still to come tell the client not to reuse the connection.
    const markClosing = (_req: unknown, res: { setHeader(name: string, value: string): void }) =>
      res.setHeader('Connection', 'close');
    server.on('request', markClosing);
    server.close(() => {
      clearTimeout(deadline);
      clearInterval(sweep);
      server.off('request', markClosing);
      resolve({ isForced });
    });
    server.closeIdleConnections();
  });
}
