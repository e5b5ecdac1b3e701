import * as z from 'zod/mini';
import { errorBodySchema, type ErrorCode } from '@contract/errors';

/** Codes the client adds to the BFF's closed set: the request never got an answer, or an answer we cannot read. */
export type ClientErrorCode = 'network_error' | 'invalid_response';
export type ApiErrorCode = ErrorCode | ClientErrorCode;

/** The one error type every query and mutation rejects with; the UI switches on `code`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly fields: Record<string, string> | undefined;
  readonly retryAfter: number | undefined;

  constructor(init: {
    status: number;
    code: ApiErrorCode;
    message: string;
    fields?: Record<string, string> | undefined;
    retryAfter?: number | undefined;
  }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields;
    this.retryAfter = init.retryAfter;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** The session is gone: the one place that reacts to this is lib/query-client.ts. */
export function isAuthLostError(error: unknown): error is ApiError {
  return isApiError(error) && (error.code === 'not_authenticated' || error.code === 'token_expired');
}

// When the body is not our error shape (a proxy page, an empty body) the status decides.
function guessCodeFromStatus(status: number): ErrorCode {
  if (status === 400) return 'invalid_input';
  if (status === 401) return 'not_authenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 429) return 'rate_limited';
  if (status === 502) return 'upstream_error';
  if (status === 503 || status === 504) return 'upstream_unavailable';
  return 'internal_error';
}

function parseRetryAfterHeader(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : undefined;
}

export async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const parsed = errorBodySchema.safeParse(body);
  const headerRetryAfter = parseRetryAfterHeader(response.headers.get('Retry-After'));
  if (parsed.success) {
    const { code, message, fields, retryAfter } = parsed.data.error;
    return new ApiError({
      status: response.status,
      code,
      message,
      fields,
      retryAfter: retryAfter ?? headerRetryAfter,
    });
  }
  return new ApiError({
    status: response.status,
    code: guessCodeFromStatus(response.status),
    message: response.statusText || `HTTP ${response.status}`,
    retryAfter: headerRetryAfter,
  });
}

// --- CSRF -----------------------------------------------------------------------------------
// Fetched lazily once per session. `null` means the server has no /api/csrf (404): send no header.
let csrfToken: string | null | undefined;

/** Forget the CSRF token; call when the session changes (login, logout, 401). */
export function resetCsrfToken(): void {
  csrfToken = undefined;
}

async function obtainCsrfToken(): Promise<string | null> {
  if (csrfToken !== undefined) return csrfToken;
  let response: Response;
  try {
    response = await fetch('/api/csrf', {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
  } catch {
    return null;
  }
  if (response.status === 404) {
    csrfToken = null;
    return null;
  }
  if (!response.ok) return null; // not cached: a later request tries again
  const body: unknown = await response.json().catch(() => undefined);
  const token =
    typeof body === 'object' && body !== null && 'csrfToken' in body && typeof body.csrfToken === 'string'
      ? body.csrfToken
      : null;
  csrfToken = token;
  return token;
}

// --- Requests -------------------------------------------------------------------------------
/** Any contract schema (the contract is written with zod/mini, which tree-shakes). */
type Schema = z.core.$ZodType;
type Method = 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';

interface RequestOptions<S extends Schema | undefined> {
  schema: S;
  body?: unknown;
  signal?: AbortSignal | undefined;
}

type Result<S> = S extends Schema ? z.output<S> : undefined;

async function send(
  method: Method,
  path: string,
  body: unknown,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') {
    const token = await obtainCsrfToken();
    if (token !== null) headers['X-CSRF-Token'] = token;
  }
  try {
    return await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError({ status: 0, code: 'network_error', message: 'The server could not be reached.' });
  }
}

const SESSION_STARTING_PATHS = new Set(['/api/session', '/api/session/mfa']);

export async function request<S extends Schema | undefined>(
  method: Method,
  path: string,
  options: RequestOptions<S>,
): Promise<Result<S>> {
  let response = await send(method, path, options.body, options.signal);
  // The BFF rotates the CSRF token with every new session id, and a sign-in answers with a new id
  // whether it completed (201) or holds the second factor (401 mfa_required): fetch a fresh one.
  if (method === 'POST' && SESSION_STARTING_PATHS.has(path)) resetCsrfToken();
  if (!response.ok) {
    let error = await toApiError(response);
    if (error.code === 'csrf_failed') {
      // The token may have rotated with the session: fetch a fresh one and retry exactly once.
      resetCsrfToken();
      response = await send(method, path, options.body, options.signal);
      if (!response.ok) error = await toApiError(response);
    }
    if (!response.ok) throw error;
  }
  if (options.schema === undefined || response.status === 204) return undefined as Result<S>;
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new ApiError({
      status: response.status,
      code: 'invalid_response',
      message: 'The server answered with no JSON.',
    });
  }
  const parsed = z.safeParse(options.schema, json);
  if (!parsed.success) {
    throw new ApiError({
      status: response.status,
      code: 'invalid_response',
      message: `Unexpected answer from ${path}.`,
    });
  }
  return parsed.data as Result<S>;
}

export const apiClient = {
  get<S extends Schema>(path: string, schema: S, signal?: AbortSignal): Promise<z.output<S>> {
    return request('GET', path, { schema, signal }) as Promise<z.output<S>>;
  },
  post<S extends Schema>(path: string, body: unknown, schema: S): Promise<z.output<S>> {
    return request('POST', path, { schema, body }) as Promise<z.output<S>>;
  },
  delete(path: string): Promise<void> {
    return request('DELETE', path, { schema: undefined }) as Promise<void>;
  },
  deleteWith<S extends Schema>(path: string, schema: S): Promise<z.output<S>> {
    return request('DELETE', path, { schema }) as Promise<z.output<S>>;
  },
};
