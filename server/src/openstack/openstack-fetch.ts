import { request as sendRequest, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { RateLimitedError, UpstreamError, UpstreamUnavailableError } from '../platform/errors.js';
import { ACCEPTED_ENCODINGS, headerValue, readBodyText } from './upstream-body.js';
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

/** How the BFF names itself to Keystone and Neutron (their access logs, a WAF in front of them). */
export const USER_AGENT = 'api-access';

export interface UpstreamRequest {
  service: UpstreamService;
  method?: 'GET' | 'POST' | 'DELETE' | 'HEAD';
  headers?: Record<string, string>;
  json?: unknown;
  timeoutMs: number;
  /** 5xx statuses the caller maps itself (501 Not Implemented: the cloud does not offer that API). */
  passStatuses?: readonly number[];
}

/** An upstream answer's headers, read by name (case-insensitive, as in the Fetch API's Headers). */
export interface UpstreamHeaders {
  get(name: string): string | null;
}

export interface UpstreamResponse {
  status: number;
  headers: UpstreamHeaders;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
}

export async function openstackFetch(url: string, request: UpstreamRequest): Promise<UpstreamResponse> {
  const { service, method = 'GET', timeoutMs } = request;
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Encoding': ACCEPTED_ENCODINGS,
    // Named, as fetch() named itself: some WAF rules refuse a request without a User-Agent.
    'User-Agent': USER_AGENT,
    ...request.headers,
  };
  if (request.json !== undefined) headers['Content-Type'] = 'application/json';

  // One controller for the timeout and for giving up on a body past the cap: aborting it closes
  // the connection, so the upstream stops sending and nothing more is buffered.
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('upstream timeout', 'TimeoutError')),
    timeoutMs,
  );
  let response: Dispatcher.ResponseData;
  let text: string;
  try {
    // undici's request() rather than fetch(): the same connections (the dispatcher below), without
    // the Fetch API's Request, Headers and web-stream objects around every call, which cost a
    // networks call about 0.35 ms of the BFF's own time (docs/benchmarks.md, Networks).
    // request() never follows a redirect; a 3xx is refused below.
    response = await sendRequest(url, {
      method,
      headers,
      body: request.json === undefined ? undefined : JSON.stringify(request.json),
      signal: controller.signal,
      // Connections per origin (upstream-connections.ts).
      dispatcher: upstreamDispatcher(),
    });
    text =
      method === 'HEAD'
        ? await discardBody(response)
        : await readBodyText(response, service, MAX_UPSTREAM_BODY_BYTES, controller);
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    if (isTimeout(error)) {
      throw new UpstreamUnavailableError(`${service} did not answer within ${timeoutMs / 1000} s.`, true);
    }
    throw new UpstreamUnavailableError(`${service} cannot be reached (${describeNetworkError(error)}).`);
  } finally {
    clearTimeout(timer);
  }
  const status = response.statusCode;
  const responseHeaders = headersOf(response);
  if (status === 429) {
    const retryAfter = parseRetryAfter(responseHeaders.get('retry-after'));
    throw new RateLimitedError(
      `${service} is rate limiting requests. Try again in ${retryAfter} s.`,
      retryAfter,
    );
  }
  if (status >= 300 && status < 400) {
    throw new UpstreamError(`${service} answered with a redirect (${status}), which is not followed.`);
  }
  if (status >= 500 && !request.passStatuses?.includes(status)) {
    throw new UpstreamError(`${service} failed with HTTP ${status}.`);
  }
  const body = parseJsonBody(text, responseHeaders.get('content-type'));
  if (status >= 200 && status < 300 && text.length > 0 && body === undefined) {
    throw new UpstreamError(`${service} answered HTTP ${status} with a body that is not JSON.`);
  }
  return { status, headers: responseHeaders, body };
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

/** A HEAD answer has no body; reading it to its end hands the connection back to the pool. */
async function discardBody(response: Dispatcher.ResponseData): Promise<string> {
  await response.body.dump();
  return '';
}

function headersOf(response: Dispatcher.ResponseData): UpstreamHeaders {
  const { headers } = response;
  return { get: (name) => headerValue(headers[name.toLowerCase()]) };
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

/** The system or undici error code (ECONNREFUSED, UND_ERR_SOCKET, ...): never a message with a URL in it. */
function describeNetworkError(error: unknown): string {
  const { code, cause } = error as { code?: unknown; cause?: { code?: unknown } };
  const found = typeof code === 'string' ? code : cause?.code;
  return typeof found === 'string' && /^[A-Z0-9_]{2,40}$/.test(found) ? found : 'network error';
}
