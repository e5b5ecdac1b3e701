import type { RequestHandler } from 'express';

/**
 * A strict Content-Security-Policy: the SPA is built to external files only (no inline script or
 * style element), so nothing needs 'unsafe-inline'. React sets styles through the CSSOM, which
 * style-src does not restrict.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const securityHeaders: RequestHandler = (req, res, next) => {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), clipboard-write=(self)');
  // HSTS on every answer that came over TLS (req.secure: X-Forwarded-Proto https from a trusted
  // proxy, which SECURE_COOKIES=true needs anyway, or the Secure cookie is never sent). Over plain
  // HTTP a browser ignores it, and a development server on http://127.0.0.1 must not pin itself.
  // A year, subdomains included (the BFF has a host name of its own); no preload: that is the
  // operator's decision. https://www.rfc-editor.org/rfc/rfc6797
  if (req.secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  // Every API answer may carry session facts or a token: never cache any of them.
  if (req.path.startsWith('/api/')) res.setHeader('Cache-Control', 'no-store');
  next();
};
