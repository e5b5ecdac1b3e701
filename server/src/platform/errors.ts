import type { ErrorCode } from '../contract/errors.js';

/**
 * The closed set of errors the BFF raises on purpose. Each carries its contract code; the one
 * error handler (http/error-handler.ts) decides the HTTP status and writes the one body shape.
 * Messages are written for the operator reading them in the SPA: they never contain secrets.
 */
export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
}

export class InvalidInputError extends AppError {
  readonly code = 'invalid_input';
  constructor(
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

export class NotAuthenticatedError extends AppError {
  readonly code = 'not_authenticated';
  constructor(message = 'You are not signed in.') {
    super(message);
  }
}

/**
 * The last wrong passcode a pending sign-in allowed: the operator starts over (401
 * not_authenticated), and the sign-in throttle counts it as the failed credential check it is.
 */
export class PasscodeAttemptsExhaustedError extends NotAuthenticatedError {}

export class InvalidCredentialsError extends AppError {
  readonly code = 'invalid_credentials';
  constructor(
    message = 'Keystone refused these credentials (wrong user, password, domain or project, or no role on the project).',
  ) {
    super(message);
  }
}

export class TokenExpiredError extends AppError {
  readonly code = 'token_expired';
  constructor(message = 'The Keystone token has expired or was revoked. Sign in again.') {
    super(message);
  }
}

/** The account has a second factor: the request needs a TOTP passcode (Keystone v3 multi-factor auth). */
export class MfaRequiredError extends AppError {
  readonly code = 'mfa_required';
  constructor(
    message = 'This account has a second factor: enter the 6-digit passcode from your authenticator app.',
  ) {
    super(message);
  }
}

export class ForbiddenError extends AppError {
  readonly code = 'forbidden';
}

export class CsrfError extends AppError {
  readonly code = 'csrf_failed';
  constructor(message = 'The request is missing a valid CSRF token or does not come from this site.') {
    super(message);
  }
}

export class NotFoundError extends AppError {
  readonly code = 'not_found';
}

export class RateLimitedError extends AppError {
  readonly code = 'rate_limited';
  constructor(
    message: string,
    /** Whole seconds until a retry may succeed. */
    readonly retryAfter: number,
  ) {
    super(message);
  }
}

/** Keystone or Neutron answered, but not as the API reference says (5xx, non-JSON, odd shape, redirect). */
export class UpstreamError extends AppError {
  readonly code = 'upstream_error';
}

/** Keystone or Neutron could not be reached, or did not answer within the timeout. */
export class UpstreamUnavailableError extends AppError {
  readonly code = 'upstream_unavailable';
  constructor(
    message: string,
    readonly isTimeout = false,
  ) {
    super(message);
  }
}

export class StoreUnavailableError extends AppError {
  readonly code = 'store_unavailable';
  constructor(message = 'The session store is unavailable. Try again shortly.') {
    super(message);
  }
}
