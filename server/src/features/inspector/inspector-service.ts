import { createHash } from 'node:crypto';
import { requireAuth, type SessionHandle } from '../../auth/auth-state.js';
import type { AuthServices } from '../../auth/create-auth-services.js';
import { isTokenRejected } from '../../auth/token-access.js';
import { describeScope } from '../../auth/token-scope.js';
import type { InspectTokenRequest, TokenInspectionInfo } from '../../contract/inspector.js';
import { NotFoundError, RateLimitedError } from '../../platform/errors.js';
import type { SlidingWindow } from '../../platform/shared-state/sliding-window.js';

/** Look-ups per session and minute: each is one or two Keystone validations. */
export const INSPECTIONS_PER_MINUTE = 20;

/**
 * The token inspector: Keystone's own word on a pasted token, or one of the session's, asked with
 * the session's token (GET /v3/auth/tokens, keystone-v3-inspection.ts). A pasted token lives in
 * this request only: it is not stored, not logged, and answered back as its first characters.
 */
export class InspectorService {
  constructor(
    private readonly auth: AuthServices,
    private readonly window: SlidingWindow,
    private readonly perMinute = INSPECTIONS_PER_MINUTE,
  ) {}

  async inspect(session: SessionHandle, request: InspectTokenRequest): Promise<TokenInspectionInfo> {
    const auth = requireAuth(session);
    const { identity } = this.auth.clouds.of(auth);
    // Keyed by a digest: the session id itself is a bearer secret and stays out of the shared state.
    const key = `inspect:${createHash('sha256').update(session.id).digest('hex').slice(0, 32)}`;
    const waitMs = await this.window.hit(key, this.perMinute, 60_000, this.auth.now());
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new RateLimitedError(
        `The token inspector allows ${this.perMinute} look-ups a minute per session. Try again in ${seconds} s.`,
        seconds,
      );
    }
    let subject: string;
    let tokenId: string | null = null;
    if (request.tokenId !== undefined) {
      const entry = (await this.auth.ledger.list(session.id)).find(
        (candidate) => candidate.id === request.tokenId,
      );
      if (!entry) throw new NotFoundError('This session has no such token (it may have expired).');
      subject = this.auth.access.reveal(session, entry);
      tokenId = entry.id;
    } else {
      subject = request.token ?? '';
    }
    const allowExpired = request.allowExpired ?? true;
    const inspection = await this.auth.access.withToken(session, isTokenRejected, (token) =>
      identity.inspectToken(token, subject, allowExpired),
    );
    const base = {
      tokenPreview: previewOf(subject),
      tokenId,
      allowExpired,
      checkedAt: new Date(this.auth.now()).toISOString(),
    };
    if ('message' in inspection) {
      return { ...base, verdict: inspection.verdict, keystoneMessage: inspection.message, details: null };
    }
    const { token, keystoneTime, catalogSize } = inspection;
    const clock = keystoneTime?.getTime() ?? this.auth.now();
    return {
      ...base,
      verdict: inspection.verdict,
      keystoneMessage: null,
      details: {
        issuedAt: token.issuedAt.toISOString(),
        expiresAt: token.expiresAt.toISOString(),
        secondsLeft: Math.max(0, Math.floor((token.expiresAt.getTime() - clock) / 1000)),
        user: token.user,
        scope: describeScope(token),
        roles: token.roles,
        methods: token.methods,
        auditIds: token.auditIds,
        applicationCredential: token.applicationCredential,
        catalog: catalogSize,
      },
    };
  }
}

/**
 * Enough to tell tokens apart, never the whole: 16 characters of a real token (as the ledger shows
 * them), and at most half of a short string pasted by mistake.
 */
export function previewOf(token: string): string {
  return `${token.slice(0, Math.min(16, Math.floor(token.length / 2)))}…`;
}
