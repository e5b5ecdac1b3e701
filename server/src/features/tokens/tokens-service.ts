import { requireAuth, type SessionHandle } from '../../auth/auth-state.js';
import type { AuthServices } from '../../auth/create-auth-services.js';
import { describeScope } from '../../auth/token-scope.js';
import type { IssuedTokenList, ReissueRequest, TokenInfo, TokenSecret } from '../../contract/token.js';
import { NotFoundError, TokenExpiredError, UpstreamError } from '../../platform/errors.js';

/** How many tokens the page lists, newest first; the ledger itself keeps every live one. */
const LISTED_TOKENS = 20;

/** The token lifecycle: status, the secret on request, reissue, the session's tokens, revocation. */
export class TokensService {
  constructor(private readonly auth: AuthServices) {}

  status(session: SessionHandle): TokenInfo {
    const auth = requireAuth(session);
    const { current } = auth;
    const now = this.auth.now();
    return {
      id: current.id,
      issuedAt: new Date(current.issuedAtMs).toISOString(),
      expiresAt: new Date(current.expiresAtMs).toISOString(),
      serverTime: new Date(now).toISOString(),
      secondsLeft: Math.max(0, Math.floor((current.expiresAtMs - now) / 1000)),
      // Rounded up: v2.0 clouds (NHN, seed 004) give issued_at in microseconds but `expires` truncated
      // to the second, so a 24 h token spans 86 399.x s; rounding to nearest made it read 86 399.
      lifetimeSeconds: Math.max(0, Math.ceil((current.expiresAtMs - current.issuedAtMs) / 1000)),
      user: current.user,
      project: current.project,
      scope: describeScope(current),
      roles: current.roles,
      methods: current.methods,
      auditIds: current.auditIds,
      cloud: auth.cloud,
      regionName: auth.regionName,
      identityApiVersion: auth.identityApiVersion,
      tokenPreview: current.tokenPreview,
      applicationCredential: current.applicationCredential ?? null,
    };
  }

  secret(session: SessionHandle): TokenSecret {
    const { current } = requireAuth(session);
    if (current.expiresAtMs <= this.auth.now()) throw new TokenExpiredError();
    return {
      token: this.auth.access.reveal(session, current),
      expiresAt: new Date(current.expiresAtMs).toISOString(),
    };
  }

  async list(session: SessionHandle): Promise<IssuedTokenList> {
    const auth = requireAuth(session);
    const entries = await this.auth.ledger.list(session.id);
    return {
      tokens: entries.slice(0, LISTED_TOKENS).map((entry) => ({
        id: entry.id,
        tokenPreview: entry.tokenPreview,
        issuedAt: new Date(entry.issuedAtMs).toISOString(),
        expiresAt: new Date(entry.expiresAtMs).toISOString(),
        projectId: entry.project?.id ?? null,
        scope: describeScope(entry),
        isCurrent: entry.id === auth.current.id,
        isRevoked: entry.isRevoked,
      })),
    };
  }

  /**
   * A fresh token with a fresh lifetime: always the password method (a token-method re-scope
   * keeps the parent's expires_at). Concurrent reissues in one session make one Keystone call.
   * Earlier tokens stay valid, as at VK Cloud, unless revokePrevious is asked for. For an account
   * with a second factor, each reissue needs a fresh passcode (password + totp in one request).
   */
  async reissue(session: SessionHandle, request: ReissueRequest): Promise<TokenInfo> {
    const previous = requireAuth(session).current;
    await this.auth.access.renew(session, {
      secret: request.password ?? request.applicationCredentialSecret,
      passcode: request.passcode,
    });
    if (request.revokePrevious && previous.id !== requireAuth(session).current.id) {
      await this.revoke(session, previous.id);
    }
    return this.status(session);
  }

  async revoke(session: SessionHandle, tokenId: string): Promise<void> {
    const auth = requireAuth(session);
    const entry = (await this.auth.ledger.list(session.id)).find((candidate) => candidate.id === tokenId);
    if (!entry) throw new NotFoundError('This session issued no such token.');
    if (entry.isRevoked) return;
    const { identity } = this.auth.clouds.of(auth);
    const confirmed = await this.auth.ledger.revoke(session.id, entry, identity);
    // Keystone refused the DELETE (a policy, a gateway): the session itself is fine, so not a 401.
    if (!confirmed && identity.confirmsRevocation)
      throw new UpstreamError('Keystone did not confirm the revocation: the token may still be valid.');
    if (auth.current.id === tokenId) auth.current = { ...auth.current, isRevoked: true };
  }
}
