import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ErrorBody, ErrorCode } from '../contract/errors.js';
import {
  AppError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  UpstreamUnavailableError,
} from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';

/** The only place that decides an error's HTTP status. */
const statusByCode: Record<ErrorCode, number> = {
  invalid_input: 400,
  not_authenticated: 401,
  invalid_credentials: 401,
  token_expired: 401,
  mfa_required: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  upstream_error: 502,
  upstream_unavailable: 503,
  store_unavailable: 503,
};

/** Errors raised by body-parser and the router carry `type`/`status`; map the client-side ones. */
function fromHttpError(error: {
  status?: unknown;
  type?: unknown;
}): { code: ErrorCode; message: string } | null {
  const status = typeof error.status === 'number' ? error.status : null;
  if (status === null || status >= 500) return null;
  switch (error.type) {
    case 'entity.parse.failed':
      return { code: 'invalid_input', message: 'The request body is not valid JSON.' };
    case 'entity.too.large':
      return { code: 'payload_too_large', message: 'The request body is too large.' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { code: 'unsupported_media_type', message: 'The request body must be UTF-8 JSON.' };
    default:
      return { code: status === 404 ? 'not_found' : 'invalid_input', message: 'The request is malformed.' };
  }
}

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const requestId = String(res.locals.requestId ?? '');
    let code: ErrorCode;
    let message: string;
    let status: number;
    const extra: Partial<ErrorBody['error']> = {};

    if (error instanceof AppError) {
      code = error.code;
      message = error.message;
      status = statusByCode[code];
      if (error instanceof UpstreamUnavailableError && error.isTimeout) status = 504;
      if (error instanceof InvalidInputError && Object.keys(error.fields).length > 0)
        extra.fields = error.fields;
      if (error instanceof RateLimitedError) {
        extra.retryAfter = error.retryAfter;
        res.setHeader('Retry-After', String(error.retryAfter));
      }
      if (status >= 500)
        logger.warn({ requestId, code, path: req.path, msg: message }, 'request failed upstream');
    } else {
      const mapped = typeof error === 'object' && error !== null ? fromHttpError(error) : null;
      if (mapped) {
        ({ code, message } = mapped);
        status = statusByCode[code];
      } else {
        code = 'internal_error';
        message = 'Something went wrong on our side. The error was logged.';
        status = 500;
        const err = error instanceof Error ? error : new Error(String(error));
        logger.error(
          { requestId, path: req.path, err: { name: err.name, message: err.message, stack: err.stack } },
          'unhandled error',
        );
      }
    }
    const body: ErrorBody = { error: { code, message, ...extra, ...(requestId ? { requestId } : {}) } };
    res.status(status).json(body);
  };
}

export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`No API endpoint ${req.method} ${req.path}.`));
};
