import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieOptions } from 'express';

/**
 * The proof that a WebSSO callback belongs to an SSO start in this very browser (login CSRF, see
 * docs/decisions/0016-websso-callback-marker.md): a short-lived cookie set by GET /api/sso/{cloud}/start,
 * HMAC-signed with the server secret, naming the cloud (and the project to return to). Nothing is
 * stored server-side for it: an anonymous visitor costs the store nothing.
 */
export interface SsoMarker {
  cloud: string;
  /**
   * The signed-in session a "renew through SSO" started from, sealed (SecretBox): see
   * sso-previous-session.ts. Null for a first sign-in.
   */
  sealedPreviousSession: string | null;
  /** Random: a marker is taken once (the shared state remembers the nonces it took). */
  nonce: string;
  expiresAtMs: number;
}

/** Ten minutes: the IdP round trip (a login form, perhaps a second factor) must fit. */
export const SSO_MARKER_LIFETIME_MS = 10 * 60_000;

export function ssoMarkerCookieName(secureCookies: boolean): string {
  // __Secure- (not __Host-): the cookie is limited to Path=/api/sso, which __Host- forbids.
  return secureCookies ? '__Secure-api-access.sso' : 'api-access.sso';
}

/**
 * Keystone posts the token from its own origin. Behind TLS the marker is SameSite=None so that the
 * browser sends it with that cross-site POST (SameSite=Lax would not); over plain http browsers
 * refuse SameSite=None without Secure, so it is Lax there and WebSSO works only with a Keystone on
 * the same site (the lab). The Origin check in the callback is what SameSite=None gives up.
 */
export function ssoMarkerCookieOptions(secureCookies: boolean): CookieOptions {
  return {
    httpOnly: true,
    secure: secureCookies,
    sameSite: secureCookies ? 'none' : 'lax',
    path: '/api/sso',
  };
}

export class SsoMarkerSigner {
  private readonly keys: Buffer[];

  constructor(secrets: readonly string[]) {
    // A key of its own per secret (as the CSRF token's): rotation works as for the sessions.
    this.keys = secrets.map((secret) =>
      Buffer.from(hkdfSync('sha256', secret, 'api-access', 'sso-marker', 32)),
    );
  }

  issue(marker: Omit<SsoMarker, 'expiresAtMs' | 'nonce'>, now: number): string {
    const payload = Buffer.from(
      JSON.stringify({
        c: marker.cloud,
        s: marker.sealedPreviousSession,
        e: now + SSO_MARKER_LIFETIME_MS,
        n: randomBytes(12).toString('base64url'),
      }),
    ).toString('base64url');
    return `${payload}.${this.sign(payload, this.keys[0]!)}`;
  }

  /** The marker, or null when it is missing, forged, from another key or expired. */
  read(value: unknown, now: number): SsoMarker | null {
    if (typeof value !== 'string' || value.length > 2048) return null;
    const [payload, signature, ...rest] = value.split('.');
    if (!payload || !signature || rest.length > 0) return null;
    const given = Buffer.from(signature, 'base64url');
    const isSigned = this.keys.some((key) => {
      const expected = Buffer.from(this.sign(payload, key), 'base64url');
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    if (!isSigned) return null;
    try {
      const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (typeof data.c !== 'string' || typeof data.e !== 'number' || typeof data.n !== 'string') return null;
      if (data.e <= now) return null;
      return {
        cloud: data.c,
        sealedPreviousSession: typeof data.s === 'string' ? data.s : null,
        nonce: data.n,
        expiresAtMs: data.e,
      };
    } catch {
      return null;
    }
  }

  private sign(payload: string, key: Buffer): string {
    return createHmac('sha256', key).update(payload).digest('base64url');
  }
}
