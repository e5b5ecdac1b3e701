import { STATUS_CODES, type ServerResponse } from 'node:http';
import { sendKeystoneError } from './keystone-errors.js';
import { sendText, toPythonJson } from './demo-http.js';
import { sendNeutronError } from './neutron-routes.js';
import type { FaultTarget } from './demo-routing.js';

/** What the demo cloud can be told to do wrong, per target (Keystone, Neutron or both). */
export type DemoFault =
  | { kind: 'unreachable' } // accept then destroy the socket without answering
  | { kind: 'slow'; delayMs: number } // answer after delayMs
  | { kind: 'status'; status: number } // e.g. 500/502/503 with an HTML or JSON error body
  | { kind: 'non-json' } // 200 with text/html body
  | { kind: 'rate-limit'; retryAfterSeconds: number } // 429 + Retry-After
  // 200 with a JSON network list of `bytes` bytes, streamed (with backpressure) as fast as it is read;
  // `declareLength` sends its Content-Length, otherwise it is chunked. A broken or hostile proxy.
  | { kind: 'huge-body'; bytes: number; declareLength?: boolean }
  // Neutron with pagination switched off (or a proxy that drops the query): `limit`, `marker` and
  // `page_reverse` are ignored and the whole list comes back without networks_links. Neutron only.
  | { kind: 'ignore-limit' };

/**
 * 500 comes from the service itself (its own JSON error shape); 502/503/504 come from the proxy in
 * front of it, as an HTML page. Anything else gets the service's JSON shape.
 */
export function sendStatusFault(res: ServerResponse, target: FaultTarget, status: number): void {
  const reason = STATUS_CODES[status] ?? 'Error';
  if (status >= 502 && status <= 504) {
    return sendText(
      res,
      status,
      'text/html',
      `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
    );
  }
  if (target === 'neutron') {
    const message =
      status === 500 ? 'Request Failed: internal server error while processing your request.' : reason;
    return sendNeutronError(res, status, `HTTP${reason.replace(/[^A-Za-z]/g, '')}`, message);
  }
  const message =
    status === 500 ? 'An unexpected error prevented the server from fulfilling your request.' : reason;
  sendKeystoneError(res, status, reason, message);
}

export function sendRateLimitFault(
  res: ServerResponse,
  target: FaultTarget,
  retryAfterSeconds: number,
): void {
  const headers = { 'Retry-After': String(retryAfterSeconds) };
  if (target === 'neutron') {
    return sendNeutronError(res, 429, 'OverLimit', 'Rate limit exceeded: too many requests.', headers);
  }
  sendKeystoneError(res, 429, 'Too Many Requests', 'Rate limit exceeded: too many requests.', { headers });
}

/** The request URL without the query parameters Neutron's pagination reads. */
export function withoutPagination(rawUrl: string): string {
  const queryStart = rawUrl.indexOf('?');
  if (queryStart === -1) return rawUrl;
  const query = new URLSearchParams(rawUrl.slice(queryStart + 1));
  for (const name of ['limit', 'marker', 'page_reverse']) query.delete(name);
  const rest = query.toString();
  return `${rawUrl.slice(0, queryStart)}${rest ? `?${rest}` : ''}`;
}

/**
 * A valid Neutron network list of exactly `bytes` bytes, written only as fast as the client reads
 * (res.write backpressure), so the demo itself stays small however large the answer claims to be;
 * it stops when the client goes away.
 */
export function streamHugeNetworkList(res: ServerResponse, bytes: number, declareLength: boolean): void {
  const item = toPythonJson({
    id: '00000000-0000-4000-8000-000000000000',
    name: 'padding-network-'.padEnd(200, 'x'),
    tenant_id: '0'.repeat(32),
    admin_state_up: true,
    mtu: 1450,
    status: 'ACTIVE',
    subnets: [],
    shared: false,
    'router:external': false,
    description: 'd'.repeat(200),
    project_id: '0'.repeat(32),
  });
  const head = '{"networks": [';
  const tail = `${item}]}`;
  const piece = `${Array.from({ length: 64 }, () => item).join(', ')}, `;
  res.writeHead(200, {
    'Content-Type': 'application/json',
    ...(declareLength ? { 'Content-Length': String(bytes) } : {}),
  });
  let left = bytes - head.length - tail.length;
  let isGone = false;
  res.on('close', () => {
    isGone = true;
  });
  res.write(head);
  const pump = (): void => {
    while (!isGone && left > 0) {
      // The last piece is whitespace padding: still valid JSON, and the total is exact.
      const next = left >= piece.length ? piece : ' '.repeat(left);
      left -= next.length;
      if (!res.write(next)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!isGone) res.end(tail);
  };
  pump();
}

export function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}
