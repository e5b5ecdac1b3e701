import type { Request, RequestHandler } from 'express';
import { AppError } from '../platform/errors.js';

class UnsupportedMediaTypeError extends AppError {
  readonly code = 'unsupported_media_type';
}

/** The API speaks JSON only: a body of any other type is refused instead of silently ignored. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (hasRequestBody(req) && !req.is('application/json')) {
    next(new UnsupportedMediaTypeError('Send the request body as application/json.'));
    return;
  }
  next();
};

/** The request carries a body (a length above zero, or a chunked one). */
export function hasRequestBody(req: Request): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}
