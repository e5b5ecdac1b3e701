import { fetch, type Response } from 'undici';
import type { z } from 'zod';
import { RateLimitedError, UpstreamError, UpstreamUnavailableError } from '../platform/errors.js';
import { upstreamDispatcher } from './upstream-connections.js';

/**
 * The one door to Keystone and Neutron. Every call has a timeout, follows no redirect (a
 * redirect could point the token at another host: we only talk to configured auth URLs and
 * catalog endpoints), and maps transport failures to our error classes:
 *   unreachable / timed out -> upstream_unavailable;  5xx, non-JSON, 3xx, a body past
 *   MAX_UPSTREAM_BODY_BYTES -> upstream_error;
 *   429 -> rate_limited with the upstream Retry-After.
 * 4xx other than 429 are returned to the caller, which knows what they mean for its API.
 */
export type UpstreamService = 'Keystone' | 'Neutron';

/**
 * The most we read of any upstream body. A Keystone token with a large catalog is a few hundred
 * KiB, a page of 1,000 Neutron networks about 1 MiB; past this the upstream (or a proxy in front
 * of it) is broken or hostile, and reading on would let it take the BFF's memory.
 */
export const MAX_UPSTREAM_BODY_BYTES = 8 * 1024 * 1024;

export interface UpstreamRequest {
  service: UpstreamService;
  method?: 'GET' | 'POST' | 'DELETE' | 'HEAD';
  headers?: Record<string, string>;
  json?: unknown;
  timeoutMs: number;
  /** 5xx statuses the caller maps itself (501 Not Implemented: the cloud does not offer that API). */
  passStatuses?: readonly number[];
}

export interface UpstreamResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
}

export async function openstackFetch(url: string, request: UpstreamRequest): Promise<UpstreamResponse> {
  const { service, method = 'GET', timeoutMs } = request;
  const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
  if (request.json !== undefined) headers['Content-Type'] = 'application/json';

  // One controller for the timeout and for giving up on a body past the cap: aborting it closes
  // the connection, so the upstream stops sending and nothing more is buffered.
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('upstream timeout', 'TimeoutError')),
    timeoutMs,
  );
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: request.json === undefined ? undefined : JSON.stringify(request.json),
      redirect: 'manual',
      signal: controller.signal,
      // undici's own fetch with its own Agent: connections per origin (upstream-connections.ts).
      dispatcher: upstreamDispatcher(),
    });
    text =
      method === 'HEAD' ? '' : await readBodyText(response, service, MAX_UPSTREAM_BODY_BYTES, controller);
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    if (isTimeout(error)) {
      throw new UpstreamUnavailableError(`${service} did not answer within ${timeoutMs / 1000} s.`, true);
    }
    throw new UpstreamUnavailableError(`${service} cannot be reached (${describeNetworkError(error)}).`);
  } finally {
    clearTimeout(timer);
  }

  if (response.status === 429) {
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    throw new RateLimitedError(
      `${service} is rate limiting requests. Try again in ${retryAfter} s.`,
      retryAfter,
    );
  }
  if (response.status >= 300 && response.status < 400) {
    throw new UpstreamError(
      `${service} answered with a redirect (${response.status}), which is not followed.`,
    );
  }
  if (response.status >= 500 && !request.passStatuses?.includes(response.status)) {
    throw new UpstreamError(`${service} failed with HTTP ${response.status}.`);
  }
  const body = parseJsonBody(text, response.headers.get('content-type'));
  if (response.ok && text.length > 0 && body === undefined) {
    throw new UpstreamError(`${service} answered HTTP ${response.status} with a body that is not JSON.`);
  }
  return { status: response.status, headers: response.headers, body };
}

/** Parses an upstream body with a zod schema at the edge; a shape we do not understand is upstream_error. */
export function parseUpstream<T extends z.ZodType>(
  schema: T,
  body: unknown,
  service: UpstreamService,
  what: string,
): z.infer<T> {
  const result = schema.safeParse(body);
  if (!result.success) {
    const where = result.error.issues[0]?.path.join('.') || 'body';
    throw new UpstreamError(`${service} answered ${what} in an unexpected shape (at ${where}).`);
  }
  return result.data;
}

/** The human-readable message inside a Keystone (`error.message`) or Neutron (`NeutronError.message`) error body. */
export function upstreamMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, { message?: unknown } | undefined>;
  const message = record.error?.message ?? record.NeutronError?.message;
  return typeof message === 'string' ? message.split('\n')[0]!.slice(0, 300) : undefined;
}

/** Retry-After is delta-seconds or an HTTP-date (RFC 9110 §10.2.3); default to a minute when absent or odd. */
export function parseRetryAfter(value: string | null, now = Date.now()): number {
  if (!value) return 60;
  if (/^\d+$/.test(value.trim())) return Math.max(1, Math.min(Number(value.trim()), 86_400));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return 60;
  return Math.max(1, Math.min(Math.ceil((date - now) / 1000), 86_400));
}

/**
 * The body as text, never more than `maxBytes`: a Content-Length past the cap is refused before
 * reading, and a body without one (chunked) is counted while it streams and abandoned at the cap.
 * Either way the request is aborted, which closes the connection.
 */
async function readBodyText(
  response: Response,
  service: UpstreamService,
  maxBytes: number,
  controller: AbortController,
): Promise<string> {
  const tooLarge = (detail: string): UpstreamError => {
    controller.abort();
    return new UpstreamError(
      `${service} answered with ${detail}, more than the ${formatMiB(maxBytes)} API Access reads of an answer.`,
    );
  };
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw tooLarge(`a body of ${formatMiB(declared)} (announced by Content-Length)`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      void reader.cancel().catch(() => {});
      throw tooLarge('a larger body');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return `${mib >= 10 ? Math.round(mib) : Math.round(mib * 10) / 10} MiB`;
}

function parseJsonBody(text: string, contentType: string | null): unknown {
  if (text.length === 0) return undefined;
  if (contentType && !/json/i.test(contentType)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? 'network error';
}
