import { requireAuth, type SessionHandle } from '../../auth/auth-state.js';
import type { AuthServices } from '../../auth/create-auth-services.js';
import { describeSession } from '../../auth/describe-session.js';
import { budgetKeyOfAppCredential, budgetKeyOfUser, type ObtainedToken } from '../../auth/token-issuer.js';
import type { LoginRequest, LogoutResult, SessionInfo } from '../../contract/session.js';
import { AuthReceiptRequiredError } from '../../openstack/keystone/identity-client.js';
import { InvalidInputError } from '../../platform/errors.js';
import type { Cloud } from '../../auth/cloud-directory.js';
import { mergeWithDefaults, toProjectScope, toUserIdentity, type MergedLogin } from './login-defaults.js';

/** Signing in with a password (and passcode) or an application credential, and signing out. */
export class SignInService {
  constructor(private readonly auth: AuthServices) {}

  async signIn(session: SessionHandle, request: LoginRequest): Promise<SessionInfo> {
    const cloud = this.auth.clouds.find(request.cloud);
    if (!cloud) throw new InvalidInputError('Unknown cloud.', { cloud: 'is not a configured cloud' });
    if (cloud.config.authType === 'websso') {
      throw new InvalidInputError(
        `This cloud signs in through its identity provider only: use "Sign in with ${cloud.config.websso?.label ?? 'SSO'}".`,
        { cloud: 'signs in with single sign-on only' },
      );
    }
    const login = mergeWithDefaults(cloud.config, request);
    if (request.applicationCredentialSecret !== undefined) {
      return this.signInWithApplicationCredential(session, cloud, login, request.applicationCredentialSecret);
    }
    // The schema guarantees a password when there is no application credential secret.
    const password = request.password ?? '';
    const regionName = login.regionName ?? null;
    const user = toUserIdentity(login);
    const username = user.name ?? null;
    const scope = toProjectScope(login);
    let obtained: ObtainedToken;
    try {
      // With a passcode: password + totp in one request, as the multi-factor docs show.
      obtained = await this.auth.issuer.obtain(
        cloud,
        { credentials: { method: 'password', user, password, passcode: request.passcode }, scope },
        budgetKeyOfUser(cloud.config.name, user),
      );
    } catch (error) {
      if (error instanceof AuthReceiptRequiredError) {
        await this.auth.opener.holdForSecondFactor(session, error, {
          cloud: cloud.config.name,
          regionName,
          username,
          scope,
          password,
        });
      }
      throw error;
    }
    return this.auth.opener.open(session, cloud, {
      obtained,
      regionName,
      username,
      secret: password,
      applicationCredentialId: null,
      requiresPasscode: request.passcode !== undefined,
    });
  }

  /**
   * The application_credential method: by id, or by name + its user, with the secret
   * (https://docs.openstack.org/api-ref/identity/v3/#authenticating-with-an-application-credential).
   * The token is scoped to the credential's project; Keystone refuses any other scope.
   */
  private async signInWithApplicationCredential(
    session: SessionHandle,
    cloud: Cloud,
    login: MergedLogin,
    secret: string,
  ): Promise<SessionInfo> {
    const { applicationCredentialId: id, applicationCredentialName: name } = login;
    const user = id ? undefined : toUserIdentity(login);
    const obtained = await this.auth.issuer.obtain(
      cloud,
      { credentials: { method: 'application_credential', id, name, user, secret }, scope: null },
      budgetKeyOfAppCredential(cloud.config.name, id ?? name ?? ''),
    );
    return this.auth.opener.open(session, cloud, {
      obtained,
      regionName: login.regionName ?? null,
      username: user?.name ?? null,
      secret,
      // Reissues go by id: Keystone names it in the token body even for a sign-in by name.
      applicationCredentialId: obtained.issued.applicationCredential?.id ?? id ?? null,
      requiresPasscode: false,
    });
  }

  describe(session: SessionHandle): SessionInfo {
    return describeSession(requireAuth(session));
  }

  /** Revokes every live token in the session's ledger (unscoped included), then ends the session. */
  async signOut(session: SessionHandle): Promise<LogoutResult> {
    const auth = session.auth;
    // A visitor with no stored session has nothing to end: closing it would store a tombstone
    // for every anonymous DELETE (issue 13 item 2).
    if (!auth && !session.pendingMfa) return { revoked: 0, notRevoked: 0 };
    const identity = auth ? (this.auth.clouds.find(auth.cloud)?.identity ?? null) : null;
    const result = await this.auth.ledger.closeAndRevoke(session.id, identity);
    await session.destroy();
    return result;
  }
}
