import { createHash } from 'node:crypto';
import type { PendingMfa, SessionHandle } from '../../auth/auth-state.js';
import type { AuthServices } from '../../auth/create-auth-services.js';
import type { ObtainedToken } from '../../auth/token-issuer.js';
import { budgetKeyOfUser } from '../../auth/token-issuer.js';
import type { SessionInfo } from '../../contract/session.js';
import { AuthReceiptRejectedError } from '../../openstack/keystone/identity-client.js';
import {
  InvalidCredentialsError,
  NotAuthenticatedError,
  PasscodeAttemptsExhaustedError,
} from '../../platform/errors.js';

/** Wrong passcodes allowed for one auth receipt before the sign-in must start over (against guessing). */
export const MAX_PASSCODE_ATTEMPTS = 5;

const RECEIPT_EXPIRED_MESSAGE =
  'The sign-in with a second factor expired (Keystone gives a few minutes for the passcode). Start over with your password.';

/**
 * The second step of a multi-factor sign-in: the totp method with the auth receipt the password
 * step earned (https://docs.openstack.org/keystone/latest/user/multi-factor-authentication.html).
 * A wrong passcode may be corrected while the receipt lasts, up to MAX_PASSCODE_ATTEMPTS times.
 */
export class SecondFactorService {
  constructor(private readonly auth: AuthServices) {}

  async complete(session: SessionHandle, passcode: string): Promise<SessionInfo> {
    const pending = session.pendingMfa;
    if (!pending)
      throw new NotAuthenticatedError('No sign-in is waiting for a passcode. Start over with your password.');
    // The pending sign-in is over: its session holds nothing else, so it leaves the store.
    const startOver = async (message: string, ErrorType = NotAuthenticatedError) => {
      session.pendingMfa = undefined;
      await session.destroy();
      return new ErrorType(message);
    };
    const cloud = this.auth.clouds.find(pending.cloud);
    if (!cloud) throw await startOver('This cloud is no longer configured. Sign in again.');
    if (pending.expiresAtMs <= this.auth.now()) throw await startOver(RECEIPT_EXPIRED_MESSAGE);

    // Counted before Keystone is asked, atomically across requests and replicas: parallel guesses
    // each read the same failedAttempts from their copy of the session, and would all get through.
    if (!(await this.isAttemptAllowed(pending)))
      throw await startOver(
        'Too many wrong passcodes. Start over with your password.',
        PasscodeAttemptsExhaustedError,
      );

    const { secretBox } = this.auth;
    let obtained: ObtainedToken;
    try {
      obtained = await this.auth.issuer.obtain(
        cloud,
        {
          credentials: {
            method: 'receipt',
            userId: pending.userId,
            passcode,
            receipt: secretBox.open(pending.sealedReceipt, session.id),
          },
          scope: pending.scope,
        },
        budgetKeyOfUser(cloud.config.name, { name: pending.username ?? undefined, id: pending.userId }),
      );
    } catch (error) {
      if (error instanceof AuthReceiptRejectedError) throw await startOver(RECEIPT_EXPIRED_MESSAGE);
      if (error instanceof InvalidCredentialsError) {
        pending.failedAttempts += 1;
        session.pendingMfa = pending;
        if (pending.failedAttempts >= MAX_PASSCODE_ATTEMPTS)
          throw await startOver(
            'Too many wrong passcodes. Start over with your password.',
            PasscodeAttemptsExhaustedError,
          );
      }
      throw error;
    }
    return this.auth.opener.open(session, cloud, {
      obtained,
      regionName: pending.regionName,
      username: pending.username,
      secret: pending.sealedPassword ? secretBox.open(pending.sealedPassword, session.id) : null,
      applicationCredentialId: null,
      requiresPasscode: true,
    });
  }

  /** At most MAX_PASSCODE_ATTEMPTS tries per auth receipt, over the receipt's own lifetime. */
  private async isAttemptAllowed(pending: PendingMfa): Promise<boolean> {
    const now = this.auth.now();
    const receiptId = createHash('sha256').update(pending.sealedReceipt).digest('hex').slice(0, 32);
    const waitMs = await this.auth.windows.hit(
      `mfa:${receiptId}`,
      MAX_PASSCODE_ATTEMPTS,
      Math.max(1000, pending.expiresAtMs - now),
      now,
    );
    return waitMs === 0;
  }
}
