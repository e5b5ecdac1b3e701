import { randomBytes } from 'node:crypto';

export interface DemoToken {
  id: string;
  /** Which API created it; v2.0 ids are 32 hex chars, v3 ids look like Fernet tokens. */
  apiVersion: '3' | '2.0';
  userId: string;
  projectId: string | null;
  methods: string[];
  auditIds: string[];
  /** Set when issued for an application credential: such a token cannot make other tokens. */
  applicationCredentialId: string | null;
  /** On the demo Keystone's own (possibly skewed) clock. */
  issuedAtMs: number;
  expiresAtMs: number;
  isRevoked: boolean;
}

export type TokenLookup =
  | { kind: 'valid'; token: DemoToken }
  | { kind: 'invalid'; token: DemoToken } // revoked or expired
  | { kind: 'unknown' };

/**
 * The demo Keystone's token table. Expiry is judged on the fake Keystone's clock (real time +
 * clockSkewSeconds), so a skewed clock shifts issued_at/expires_at but not how long a token lives.
 */
export class TokenRegistry {
  readonly #tokens = new Map<string, DemoToken>();
  readonly #clockSkewMs: number;
  tokensIssued = 0;
  tokensRevoked = 0;

  constructor(clockSkewSeconds: number) {
    this.#clockSkewMs = clockSkewSeconds * 1000;
  }

  /** The fake Keystone's "now". */
  now(): number {
    return Date.now() + this.#clockSkewMs;
  }

  issue(input: {
    apiVersion: '3' | '2.0';
    userId: string;
    projectId: string | null;
    methods: string[];
    applicationCredentialId?: string;
    parentAuditId?: string;
    lifetimeSeconds: number;
    /** Token-method re-scope keeps the parent's expiry (Keystone never extends a token). */
    expiresAtMs?: number;
  }): DemoToken {
    const now = this.now();
    // v3 tokens are Fernet in whole seconds; v2.0 (UUID provider) keeps sub-seconds in issued_at.
    const issuedAtMs = input.apiVersion === '3' ? Math.floor(now / 1000) * 1000 : now;
    const token: DemoToken = {
      id:
        input.apiVersion === '3'
          ? fernetLikeId(input.projectId !== null, input.applicationCredentialId !== undefined)
          : randomBytes(16).toString('hex'),
      apiVersion: input.apiVersion,
      userId: input.userId,
      projectId: input.projectId,
      methods: input.methods,
      applicationCredentialId: input.applicationCredentialId ?? null,
      auditIds: input.parentAuditId ? [newAuditId(), input.parentAuditId] : [newAuditId()],
      issuedAtMs,
      expiresAtMs: input.expiresAtMs ?? issuedAtMs + input.lifetimeSeconds * 1000,
      isRevoked: false,
    };
    this.#pruneExpired(now);
    this.#tokens.set(token.id, token);
    this.tokensIssued += 1;
    return token;
  }

  lookup(id: string | undefined): TokenLookup {
    const token = id === undefined ? undefined : this.#tokens.get(id);
    if (!token) return { kind: 'unknown' };
    if (token.isRevoked || token.expiresAtMs <= this.now()) return { kind: 'invalid', token };
    return { kind: 'valid', token };
  }

  isValid(id: string): boolean {
    return this.lookup(id).kind === 'valid';
  }

  revoke(token: DemoToken): void {
    if (token.isRevoked) return;
    token.isRevoked = true;
    this.tokensRevoked += 1;
  }

  #pruneExpired(now: number): void {
    // Keep memory bounded in long benchmark runs; expired tokens are kept an hour so that using one
    // still gives "Failed to validate token" rather than "Could not recognize".
    if (this.#tokens.size < 50_000) return;
    for (const [id, token] of this.#tokens) {
      if (token.expiresAtMs + 3_600_000 < now) this.#tokens.delete(id);
    }
  }
}

/** Keystone audit ids: 16 random bytes, urlsafe base64 without padding (22 chars). */
function newAuditId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Fernet tokens start with `gAAAAAB` and are 183 chars when project-scoped, 162 unscoped, 204 for
 * an application credential, whose id is in the payload (lab).
 */
function fernetLikeId(isScoped: boolean, isApplicationCredential: boolean): string {
  const length = isApplicationCredential ? 204 : isScoped ? 183 : 162;
  const body = randomBytes(length).toString('base64url');
  return `gAAAAAB${body}`.slice(0, length);
}

/**
 * Per-user token-creation budget over a sliding 60 s window (OVH: "60 token creation per minutes
 * and per Openstack user, ... HTTP 429", seed 003).
 */
export class TokenCreationLimiter {
  readonly #perMinute: number;
  readonly #history = new Map<string, number[]>();

  constructor(perMinute: number) {
    this.#perMinute = perMinute;
  }

  /** Records one creation, or returns the seconds to wait when the budget is spent. */
  take(
    userKey: string,
    nowMs = Date.now(),
  ): { isAllowed: true } | { isAllowed: false; retryAfterSeconds: number } {
    if (!Number.isFinite(this.#perMinute)) return { isAllowed: true };
    const windowStart = nowMs - 60_000;
    const recent = (this.#history.get(userKey) ?? []).filter((t) => t > windowStart);
    if (recent.length >= this.#perMinute) {
      this.#history.set(userKey, recent);
      const oldest = recent[0] ?? nowMs;
      return {
        isAllowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + 60_000 - nowMs) / 1000)),
      };
    }
    recent.push(nowMs);
    this.#history.set(userKey, recent);
    return { isAllowed: true };
  }
}
