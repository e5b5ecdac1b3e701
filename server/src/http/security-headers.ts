import type { RequestHandler } from 'express';
import helmet, { strictTransportSecurity } from 'helmet';

/**
 * The response headers of every answer, with helmet (its other defaults kept: X-DNS-Prefetch-
 * Control, X-Download-Options, X-Permitted-Cross-Domain-Policies, Origin-Agent-Cluster,
 * X-XSS-Protection: 0, no X-Powered-By). Every value is pinned by security-headers.test.ts.
 *
 * A strict Content-Security-Policy: the SPA is built to external files only (no inline script or
 * style element), so nothing needs 'unsafe-inline'. React sets styles through the CSSOM, which
 * style-src does not restrict. helmet's default directives are not used: they allow inline styles
 * and https: fonts, which the SPA needs neither of.
 */
const helmetHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  // COEP would block nothing the SPA loads, but buys nothing without cross-origin isolation needs.
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  referrerPolicy: { policy: 'no-referrer' },
  xFrameOptions: { action: 'deny' },
  // Sent below, and only over TLS.
  strictTransportSecurity: false,
});

/**
 * HSTS on every answer that came over TLS (req.secure: X-Forwarded-Proto https from a trusted
 * proxy, which SECURE_COOKIES=true needs anyway, or the Secure cookie is never sent). Over plain
 * HTTP a browser ignores it, and a development server on http://127.0.0.1 must not pin itself.
 * A year, subdomains included (the BFF has a host name of its own); no preload: that is the
 * operator's decision. https://www.rfc-editor.org/rfc/rfc6797
 */
const hsts = strictTransportSecurity({ maxAge: 31_536_000, includeSubDomains: true, preload: false });

export const securityHeaders: RequestHandler = (req, res, next) => {
  // helmet has no Permissions-Policy: the SPA uses none of these but writing to the clipboard.
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), clipboard-write=(self)');
  // Every API answer may carry session facts or a token: never cache any of them.
  if (req.path.startsWith('/api/')) res.setHeader('Cache-Control', 'no-store');
  helmetHeaders(req, res, (error?: unknown) => {
    if (error) {
      next(error);
      return;
    }
    if (req.secure) hsts(req, res, next);
    else next();
  });
};
