import { Agent, Pool, type Dispatcher } from 'undici';

/**
 * How the BFF keeps its connections to Keystone and Neutron (UPSTREAM_KEEP_ALIVE; decision:
 * docs/decisions/0015-upstream-connections-per-origin.md).
 *   https  (default) keep-alive to https origins only; a plain-http origin gets a new connection
 *          per request
 *   always keep-alive everywhere (what Node's fetch does by itself)
 *   never  a new connection per request everywhere
 *
 * Why not keep-alive to plain http: Neutron's eventlet server writes an answer's head and body in
 * two writes without TCP_NODELAY, so the body waits for the head's ACK (Nagle). A connection
 * reused within ~40 ms of its last answer is in Linux's "interactive" (pingpong) mode and delays
 * that ACK by its minimum delayed-ACK time of 40 ms, on every such request. Node cannot set
 * TCP_QUICKACK, and undici already sets TCP_NODELAY on its own sockets (which does nothing for the
 * server's writes). A fresh connection starts outside pingpong mode and is acknowledged at once;
 * on plain http it costs one TCP handshake (a round trip), on TLS a full TLS handshake, which is
 * why https keeps its pooled connections.
 */
export type UpstreamKeepAlive = 'https' | 'always' | 'never';

export const UPSTREAM_KEEP_ALIVE_MODES: readonly UpstreamKeepAlive[] = ['https', 'always', 'never'];

/** Whether requests to `origin` reuse pooled keep-alive connections under `keepAlive`. */
export function reusesConnections(keepAlive: UpstreamKeepAlive, origin: string | URL): boolean {
  if (keepAlive === 'always') return true;
  if (keepAlive === 'never') return false;
  return new URL(origin).protocol === 'https:';
}

/**
 * One undici Agent with a pool per origin, each pool told at creation whether it keeps
 * connections: `pipelining: 0` is undici's documented way to disable keep-alive
 * (https://undici.nodejs.org/#/docs/api/Client?id=parameter-clientoptions).
 */
export function createUpstreamAgent(keepAlive: UpstreamKeepAlive): Dispatcher {
  return new Agent({
    factory: (origin, options) =>
      new Pool(origin, { ...options, pipelining: reusesConnections(keepAlive, origin) ? 1 : 0 }),
  });
}

let upstreamAgent: Dispatcher = createUpstreamAgent('https');

/** Set once at start-up from the configuration (tests and the default keep 'https'). */
export function useUpstreamKeepAlive(keepAlive: UpstreamKeepAlive): void {
  const previous = upstreamAgent;
  upstreamAgent = createUpstreamAgent(keepAlive);
  void previous.close().catch(() => {});
}

/** The dispatcher every upstream request goes through (openstack-fetch.ts). */
export function upstreamDispatcher(): Dispatcher {
  return upstreamAgent;
}
