import { MfaRequiredError, TokenExpiredError } from '../platform/errors.js';
import type { SecretBox } from '../platform/secret-box.js';
import type { Flight } from '../platform/shared-state/single-flight.js';
import {
  canRenewSilently,
  requireAuth,
  SessionWriteNeededError,
  type AuthState,
  type LedgerEntry,
  type SessionHandle,
} from './auth-state.js';
import type { Cloud, CloudDirectory } from './cloud-directory.js';
import type { SessionInfo } from '../contract/session.js';
import type { TokenScope } from '../openstack/keystone/identity-client.js';
import { describeSession } from './describe-session.js';
import { budgetKeyOf, type GivenCredentials, type ObtainedToken, type TokenIssuer } from './token-issuer.js';
import { scopeOf } from './token-scope.js';
import type { TokenLedger } from './token-ledger.js';

/** Below this many seconds left, a token is renewed before it is used for an upstream call. */
const RENEW_BEFORE_SECONDS = 120;

const PASSCODE_TOKEN_EXPIRED_MESSAGE =
  'The token expired, and this account needs a fresh passcode for a new one: reissue it with your passcode, or sign in again.';

/**
 * One renewal, shared by every concurrent request of the session that waited for it. Its catalog
 * is kept beside the ledger entry, so the flight (in Redis with replicas) carries the entry alone.
 */
export interface Renewal {
  entry: LedgerEntry;
}

/**
 * The session's current token for upstream calls: renewed before it runs out and after an upstream
 * 401, one renewal per session at a time (across replicas with Redis), each new token recorded in
 * the ledger before the session points at it.
 */
export class TokenAccess {
  constructor(
    private readonly clouds: CloudDirectory,
    private readonly issuer: TokenIssuer,
    private readonly ledger: TokenLedger,
    private readonly secretBox: SecretBox,
    private readonly renewals: Flight<Renewal>,
    private readonly now: () => number,
  ) {}

  /** The plain token of a ledger entry of this session. */
  reveal(session: SessionHandle, entry: LedgerEntry): string {
    return this.secretBox.open(entry.sealedToken, session.id);
  }

  /**
   * A fresh token for the session's current scope. A request that arrived while a renewal was
   * running, but reached this point after it finished (its copy of the session was read before the
   * new token was saved), shares that renewal too: ten concurrent clicks make one Keystone token.
   * A request that arrives after a renewal finished is a new reissue.
   */
  async renew(session: SessionHandle, given: GivenCredentials = {}): Promise<void> {
    // Before Keystone is asked: a token obtained for a session that cannot point at it is waste.
    if (session.isReadOnly) throw new SessionWriteNeededError();
    const receivedAt = session.receivedAt ?? this.now();
    const result = await this.renewals.run(
      session.id,
      async () => {
        const auth = requireAuth(session);
        const cloud = this.clouds.of(auth);
        // The same scope as the current token: project, domain or system.
        const obtained = await this.issuer.obtainFresh(session.id, auth, cloud, scopeOf(auth.current), given);
        return { entry: await this.recordObtained(session, cloud, obtained) };
      },
      (settled) => settled.entry.issuedAtMs >= receivedAt,
    );
    makeCurrent(requireAuth(session), result);
  }

  /**
   * Runs an upstream call with the current token: renewed first when it has under two minutes
   * left (if the password is kept), and on an upstream 401 renewed once and retried once. An
   * account with a second factor is never renewed silently (a new token needs a fresh passcode):
   * its token is used to the end, then token_expired.
   */
  async withToken<T>(
    session: SessionHandle,
    isUnauthorized: (error: unknown) => boolean,
    work: (token: string, auth: AuthState) => Promise<T>,
  ): Promise<T> {
    let auth = requireAuth(session);
    const secondsLeft = (auth.current.expiresAtMs - this.now()) / 1000;
    if (secondsLeft < RENEW_BEFORE_SECONDS && canRenewSilently(auth)) {
      try {
        await this.renew(session);
        auth = requireAuth(session);
      } catch (error) {
        if (error instanceof SessionWriteNeededError) throw error;
        // The current token still works: a renewal refused (the budget, a second factor the session
        // did not know of) or failed (Keystone away) must not fail this call. Once it has expired,
        // say why.
        if (secondsLeft <= 0) {
          throw error instanceof MfaRequiredError
            ? new TokenExpiredError(PASSCODE_TOKEN_EXPIRED_MESSAGE)
            : error;
        }
      }
    } else if (secondsLeft <= 0) {
      throw expiredError(auth);
    }
    // A token refused upstream while this request was served read-only is not offered again.
    if (session.rejectedTokenId !== auth.current.id) {
      try {
        return await work(this.reveal(session, auth.current), auth);
      } catch (error) {
        if (!isUnauthorized(error)) throw error;
      }
    }
    if (!canRenewSilently(auth)) throw expiredError(auth);
    if (session.isReadOnly) throw new SessionWriteNeededError(auth.current.id);
    try {
      await this.renew(session);
    } catch (renewError) {
      if (renewError instanceof MfaRequiredError) throw new TokenExpiredError(PASSCODE_TOKEN_EXPIRED_MESSAGE);
      throw renewError;
    }
    const renewed = requireAuth(session);
    try {
      return await work(this.reveal(session, renewed.current), renewed);
    } catch (retryError) {
      if (isUnauthorized(retryError))
        throw new TokenExpiredError('The cloud still refuses a freshly issued token.');
      throw retryError;
    }
  }

  /**
   * Scopes the session to a project, a domain or the system: one new token, counted in the user's
   * budget and recorded in the ledger before the session points at it. With the kept password a
   * password login (fresh lifetime); without it, a second factor, or after single sign-on, a
   * token-method rescope that keeps the current expiry (Keystone carries the methods over).
   */
  async switchScope(session: SessionHandle, scope: TokenScope): Promise<SessionInfo> {
    const auth = requireAuth(session);
    const cloud = this.clouds.of(auth);
    const obtained = canRenewSilently(auth)
      ? await this.issuer.obtainFresh(session.id, auth, cloud, scope)
      : await this.issuer.rescope(cloud, this.reveal(session, auth.current), scope, budgetKeyOf(auth));
    makeCurrent(auth, { entry: await this.recordObtained(session, cloud, obtained) });
    return describeSession(auth);
  }

  /** A token just obtained goes into the session's ledger (with its catalog) before anything uses it. */
  private recordObtained(
    session: SessionHandle,
    cloud: Cloud,
    obtained: ObtainedToken,
  ): Promise<LedgerEntry> {
    return this.ledger.record(
      session.id,
      obtained.issued,
      obtained.receivedAtMs,
      cloud.identity,
      obtained.catalog,
    );
  }
}

/** A renewal or a project switch becomes the session's current token (idempotent for a shared one). */
export function makeCurrent(auth: AuthState, renewal: Renewal): void {
  auth.current = renewal.entry;
  // A record from before 0014 carried the catalog of its first token: it is not this token's.
  delete auth.catalog;
}

/** Keystone's answer to a call made with a token that is no longer good (catalog, projects). */
export function isTokenRejected(error: unknown): boolean {
  return error instanceof TokenExpiredError;
}

function expiredError(auth: AuthState): TokenExpiredError {
  return new TokenExpiredError(auth.requiresPasscode ? PASSCODE_TOKEN_EXPIRED_MESSAGE : undefined);
}
