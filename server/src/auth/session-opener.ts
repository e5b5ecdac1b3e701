import type { SessionInfo } from '../contract/session.js';
import type { AuthReceiptRequiredError, TokenScope } from '../openstack/keystone/identity-client.js';
import { InvalidCredentialsError, MfaRequiredError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { SecretBox } from '../platform/secret-box.js';
import type { PendingMfa, SessionHandle } from './auth-state.js';
import type { Cloud, CloudDirectory } from './cloud-directory.js';
import { describeSession } from './describe-session.js';
import type { ObtainedToken } from './token-issuer.js';
import type { TokenLedger } from './token-ledger.js';

/** A completed sign-in: Keystone's token and what the session must remember to renew it. */
export interface SignInOutcome {
  obtained: ObtainedToken;
  regionName: string | null;
  username: string | null;
  /** The password or application credential secret, kept (sealed) for reissue when allowed. */
  secret: string | null;
  applicationCredentialId: string | null;
  requiresPasscode: boolean;
  /** Through the cloud's identity provider (WebSSO): no secret, a fresh token needs the IdP again. */
  signInMethod?: 'websso';
}

/**
 * Turns a sign-in into a session, and parks a sign-in that needs its second factor. Both start a
 * new session id (against session fixation), and both retire what a signed-in session held before.
 */
export class SessionOpener {
  constructor(
    private readonly clouds: CloudDirectory,
    private readonly ledger: TokenLedger,
    private readonly secretBox: SecretBox,
    private readonly logger: Logger,
    private readonly keepPasswordForReissue: boolean,
    private readonly now: () => number,
  ) {}

  async open(session: SessionHandle, cloud: Cloud, outcome: SignInOutcome): Promise<SessionInfo> {
    await this.startOver(session);
    const { obtained } = outcome;
    const current = await this.ledger.record(
      session.id,
      obtained.issued,
      obtained.receivedAtMs,
      cloud.identity,
      obtained.catalog,
    );
    session.auth = {
      cloud: cloud.config.name,
      identityApiVersion: cloud.identity.version,
      regionName: outcome.regionName,
      username: outcome.username,
      sealedPassword: this.sealIfKept(outcome.secret, session.id),
      ...(outcome.applicationCredentialId
        ? { applicationCredentialId: outcome.applicationCredentialId }
        : {}),
      ...(outcome.requiresPasscode ? { requiresPasscode: true } : {}),
      ...(outcome.signInMethod ? { signInMethod: outcome.signInMethod } : {}),
      current,
    };
    return describeSession(session.auth);
  }

  /**
   * Keystone answered the password with 401 + Openstack-Auth-Receipt: keep the receipt sealed in
   * a new session (never in the browser) and ask for the passcode. Rules that a passcode cannot
   * complete (another method than totp) are refused: API Access offers no other second factor.
   */
  async holdForSecondFactor(
    session: SessionHandle,
    error: AuthReceiptRequiredError,
    context: Pick<PendingMfa, 'cloud' | 'regionName' | 'username'> & {
      scope: TokenScope | null;
      password: string;
    },
  ): Promise<never> {
    const { receipt } = error;
    const done = new Set([...receipt.methods]);
    const isCompletableByPasscode = receipt.requiredMethods.some((rule) =>
      rule.every((method) => done.has(method) || method === 'totp'),
    );
    if (!isCompletableByPasscode || done.has('totp')) {
      session.pendingMfa = undefined;
      const rules = receipt.requiredMethods.map((rule) => rule.join(' + ')).join(', or ');
      throw new InvalidCredentialsError(
        `Keystone requires sign-in methods API Access does not offer (${rules || 'none named'}).`,
      );
    }
    await this.startOver(session);
    const lifetimeMs = Math.max(0, receipt.expiresAt.getTime() - receipt.issuedAt.getTime());
    const { password, ...where } = context;
    session.pendingMfa = {
      ...where,
      userId: receipt.userId,
      sealedReceipt: this.secretBox.seal(receipt.receipt, session.id),
      expiresAtMs: this.now() + lifetimeMs,
      sealedPassword: this.sealIfKept(password, session.id),
      failedAttempts: 0,
    };
    const minutes = Math.max(1, Math.floor(lifetimeMs / 60_000));
    throw new MfaRequiredError(
      `This account has a second factor: enter the 6-digit passcode from your authenticator app (within ${minutes} min).`,
    );
  }

  /**
   * A new session id for a new sign-in. Tokens of an earlier sign-in in this browser are revoked
   * in the background: the old id's ledger is closed first, so none can be added to it afterwards.
   */
  private async startOver(session: SessionHandle): Promise<void> {
    const previous = session.auth;
    if (previous) {
      const oldId = session.id;
      const identity = this.clouds.find(previous.cloud)?.identity ?? null;
      void this.ledger.closeAndRevoke(oldId, identity).catch((error: unknown) => {
        this.logger.warn(
          { err: { message: (error as Error).message } },
          'revoking the previous sign-in failed',
        );
      });
    }
    session.pendingMfa = undefined;
    await session.regenerate();
  }

  private sealIfKept(secret: string | null, sessionId: string): string | null {
    return this.keepPasswordForReissue && secret ? this.secretBox.seal(secret, sessionId) : null;
  }
}
