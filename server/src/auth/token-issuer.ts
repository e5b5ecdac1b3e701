import type { Catalog } from '../contract/catalog.js';
import type {
  Credentials,
  IssuedToken,
  TokenScope,
  UserIdentity,
} from '../openstack/keystone/identity-client.js';
import { AuthReceiptRequiredError } from '../openstack/keystone/identity-client.js';
import { InvalidInputError, MfaRequiredError } from '../platform/errors.js';
import type { SecretBox } from '../platform/secret-box.js';
import type { AuthState } from './auth-state.js';
import type { Cloud } from './cloud-directory.js';
import type { TokenBudget } from './token-budget.js';

export const PASSCODE_FOR_NEW_TOKEN_MESSAGE =
  'This account has a second factor: a new token needs a fresh passcode from your authenticator app.';

export const SSO_RENEWAL_MESSAGE =
  'This session came through single sign-on: a token with a fresh lifetime needs another round trip through your identity provider (Renew through SSO). For scripts, create an application credential.';

/** What a reissue may be given: the password or application credential secret, and a passcode. */
export interface GivenCredentials {
  secret?: string | undefined;
  passcode?: string | undefined;
}

/** A token Keystone issued, with its catalog and the BFF time it was received. */
export interface ObtainedToken {
  issued: IssuedToken;
  catalog: Catalog | null;
  receivedAtMs: number;
}

/**
 * Gets tokens from Keystone within each user's budget of creations per minute. Recording them is
 * the ledger's business (a sign-in records after the new session id exists).
 */
export class TokenIssuer {
  constructor(
    private readonly budget: TokenBudget,
    private readonly secretBox: SecretBox,
    private readonly now: () => number,
  ) {}

  async obtain(
    cloud: Cloud,
    request: { credentials: Credentials; scope: TokenScope | null },
    budgetKey: string,
  ): Promise<ObtainedToken> {
    const issued = await cloud.identity.issueToken({
      ...request,
      beforeSend: () => this.budget.spend(budgetKey),
    });
    const receivedAtMs = this.now();
    return { issued, receivedAtMs, catalog: await completeOrRevoke(cloud, issued) };
  }

  /** The token method into another scope: Keystone keeps the expiry (no second factor needed). */
  async rescope(cloud: Cloud, token: string, scope: TokenScope, budgetKey: string): Promise<ObtainedToken> {
    const issued = await cloud.identity.rescopeToken(token, scope, () => this.budget.spend(budgetKey));
    const receivedAtMs = this.now();
    return { issued, receivedAtMs, catalog: await completeOrRevoke(cloud, issued) };
  }

  /**
   * A token with a fresh lifetime for the signed-in user: the password method (+ totp with a
   * passcode), or the application_credential method, with the kept or the given secret.
   */
  async obtainFresh(
    sessionId: string,
    auth: AuthState,
    cloud: Cloud,
    scope: TokenScope | null,
    given: GivenCredentials = {},
  ): Promise<ObtainedToken> {
    if (auth.signInMethod === 'websso') throw new InvalidInputError(SSO_RENEWAL_MESSAGE);
    const isAppCredential = Boolean(auth.applicationCredentialId);
    const secret =
      given.secret ?? (auth.sealedPassword ? this.secretBox.open(auth.sealedPassword, sessionId) : null);
    if (!secret) {
      throw isAppCredential
        ? new InvalidInputError(
            'Reissue needs your application credential secret: the server does not keep it.',
            {
              applicationCredentialSecret: 'is required',
            },
          )
        : new InvalidInputError('Reissue needs your password: the server does not keep it.', {
            password: 'is required',
          });
    }
    if (auth.requiresPasscode && !given.passcode) throw new MfaRequiredError(PASSCODE_FOR_NEW_TOKEN_MESSAGE);
    const user = auth.current.user;
    const credentials: Credentials = auth.applicationCredentialId
      ? { method: 'application_credential', id: auth.applicationCredentialId, secret }
      : // v3 reissues by user id; v2.0 by the name the operator signed in with.
        {
          method: 'password',
          user: { id: user.id, name: auth.username ?? user.name },
          password: secret,
          ...(given.passcode ? { passcode: given.passcode } : {}),
        };
    try {
      return await this.obtain(cloud, { credentials, scope }, budgetKeyOf(auth));
    } catch (error) {
      // The account got a second factor after this sign-in: from now on reissues need a passcode.
      if (error instanceof AuthReceiptRequiredError) {
        auth.requiresPasscode = true;
        throw new MfaRequiredError(PASSCODE_FOR_NEW_TOKEN_MESSAGE);
      }
      throw error;
    }
  }
}

/**
 * The catalog of a token Keystone just issued (VK sends it in a second call). If that fails, the
 * token is revoked before the error goes on: no session will hold it, so nobody could revoke it later.
 */
async function completeOrRevoke(cloud: Cloud, issued: IssuedToken): Promise<Catalog | null> {
  try {
    return await cloud.identity.completeCatalog(issued);
  } catch (error) {
    await cloud.identity.revokeToken(issued.token).catch(() => false);
    throw error;
  }
}

/**
 * One budget per user, whatever the call: a sign-in by name and the reissues that follow it must
 * share a key, or the user would get the budget twice.
 */
export function budgetKeyOf(auth: AuthState): string {
  if (auth.applicationCredentialId) return budgetKeyOfAppCredential(auth.cloud, auth.applicationCredentialId);
  return budgetKeyOfUser(auth.cloud, { name: auth.username ?? undefined, id: auth.current.user.id });
}

export function budgetKeyOfUser(cloud: string, user: UserIdentity): string {
  return user.name ? `${cloud}:name:${user.name}` : `${cloud}:id:${user.id ?? ''}`;
}

export function budgetKeyOfAppCredential(cloud: string, idOrName: string): string {
  return `${cloud}:appcred:${idOrName}`;
}
