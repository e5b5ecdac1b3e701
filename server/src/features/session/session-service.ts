import { randomBytes } from 'node:crypto';
import type { Catalog } from '../../contract/catalog.js';
import type { LoginRequest, LogoutResult, ProjectList, SessionInfo } from '../../contract/session.js';
import type { IssuedTokenList, ReissueRequest, TokenInfo, TokenSecret } from '../../contract/token.js';
import type { CloudConfig, CloudRegistry } from '../../config/clouds-config.js';
import type { SecretBox } from '../../platform/secret-box.js';
import {
  InvalidCredentialsError,
  InvalidInputError,
  MfaRequiredError,
  NotAuthenticatedError,
  NotFoundError,
  TokenExpiredError,
} from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import {
  AuthReceiptRejectedError,
  AuthReceiptRequiredError,
  fetchAuthCatalog,
  issueTokenV2,
  issueTokenV3,
  listAuthProjects,
  rescopeTokenV3,
  revokeToken,
  type DomainSelector,
  type IdentityEndpoint,
  type IssuedToken,
  type ProjectScope,
  type UserSelector,
  type V3Credentials,
} from '../../openstack/keystone.js';
import { createMemorySharedState, type SharedState } from '../../platform/shared-state/shared-state.js';
import type { Flight } from '../../platform/shared-state/single-flight.js';
import { TokenBudget } from '../../auth/token-budget.js';
import {
  MAX_TOKENS_PER_SESSION,
  type AuthState,
  type PendingMfa,
  type SessionHandle,
  type StoredToken,
} from '../../auth/auth-state.js';

export interface SessionServiceOptions {
  clouds: CloudRegistry;
  secretBox: SecretBox;
  logger: Logger;
  keepPasswordForReissue: boolean;
  upstreamTimeoutMs: number;
  tokenCreationsPerMinute: number;
  /** Rate windows and single flights: in memory for one process, in Redis across replicas. */
  sharedState?: SharedState;
  now?: () => number;
}

/** How long a finished renewal is kept for requests that arrived while it was running. */
const RENEWAL_SETTLED_TTL_MS = 10_000;

/** Below this many seconds left, a token is renewed before it is used for an upstream call. */
const RENEW_BEFORE_SECONDS = 120;

/** Wrong passcodes allowed for one auth receipt before the sign-in must start over (against guessing). */
export const MAX_PASSCODE_ATTEMPTS = 5;

const RECEIPT_EXPIRED_MESSAGE =
  'The sign-in with a second factor expired (Keystone gives a few minutes for the passcode). Start over with your password.';
const PASSCODE_FOR_NEW_TOKEN_MESSAGE =
  'This account has a second factor: a new token needs a fresh passcode from your authenticator app.';
const PASSCODE_TOKEN_EXPIRED_MESSAGE =
  'The token expired, and this account needs a fresh passcode for a new one: reissue it with your passcode, or sign in again.';

/** What a reissue may be given: the password or application credential secret, and a passcode. */
interface GivenCredentials {
  secret?: string | undefined;
  passcode?: string | undefined;
}

/** A Keystone answer to a sign-in, with what the session must remember about it. */
interface Established {
  issued: IssuedToken;
  receivedAtMs: number;
  regionName: string | null;
  username: string | null;
  /** The password or application credential secret, kept (sealed) for reissue when allowed. */
  secret: string | null;
  applicationCredentialId: string | null;
  requiresPasscode: boolean;
}

/** One renewal, shared by every concurrent request of the session that waited for it. */
interface RenewalResult {
  stored: StoredToken;
  catalog: Catalog | null;
}

/**
 * The Keystone session engine: turns credentials into tokens, keeps them sealed in the session,
 * renews and revokes them. Keystone protocol details live in openstack/keystone.ts; this is the
 * policy (which method, when to renew, how many tokens per minute).
 */
export class SessionService {
  private readonly renewals: Flight<RenewalResult>;
  private readonly budget: TokenBudget;
  private readonly now: () => number;
  private readonly call: { timeoutMs: number };

  constructor(private readonly options: SessionServiceOptions) {
    this.now = options.now ?? Date.now;
    const shared = options.sharedState ?? createMemorySharedState();
    this.budget = new TokenBudget(options.tokenCreationsPerMinute, this.now, shared.window);
    // A renewal is one token creation plus, at most, one catalog fetch.
    this.renewals = shared.createFlight<RenewalResult>(
      'renewal',
      2 * options.upstreamTimeoutMs + 2000,
      RENEWAL_SETTLED_TTL_MS,
    );
    this.call = { timeoutMs: options.upstreamTimeoutMs };
  }

  // ---------------------------------------------------------------------------------------- login

  async login(session: SessionHandle, request: LoginRequest): Promise<SessionInfo> {
    const cloud = this.options.clouds.find(request.cloud);
    if (!cloud) throw new InvalidInputError('Unknown cloud.', { cloud: 'is not a configured cloud' });
    const merged = mergeWithDefaults(cloud, request);
    const regionName = merged.regionName ?? null;
    if (request.applicationCredentialSecret !== undefined) {
      return this.loginWithApplicationCredential(session, cloud, merged, request.applicationCredentialSecret);
    }
    // The schema guarantees a password when there is no application credential secret.
    const password = request.password ?? '';

    let issued: IssuedToken;
    let username: string | null;
    if (cloud.identity.version === '2.0') {
      if (!merged.username)
        throw new InvalidInputError('Keystone v2.0 needs a username.', { username: 'is required' });
      if (request.passcode !== undefined)
        throw new InvalidInputError('Keystone v2.0 has no second factor.', {
          passcode: 'is not supported by Keystone v2.0',
        });
      username = merged.username;
      const tenant = merged.projectId
        ? { id: merged.projectId }
        : merged.projectName
          ? { name: merged.projectName }
          : null;
      await this.budget.spend(budgetKeyFor(cloud.name, username, null));
      issued = await issueTokenV2(
        cloud.identity,
        { username, password, tenant },
        this.call,
        new Date(this.now()),
      );
    } else {
      const user = toUserSelector(merged);
      username = 'name' in user ? user.name : null;
      await this.budget.spend(
        'id' in user ? budgetKeyFor(cloud.name, null, user.id) : budgetKeyFor(cloud.name, user.name, null),
      );
      const scope = toProjectScope(merged);
      // With a passcode: password + totp in one request, as the multi-factor docs show.
      const credentials: V3Credentials = {
        password: { user, password },
        ...(request.passcode !== undefined ? { totp: { user, passcode: request.passcode } } : {}),
      };
      try {
        issued = await issueTokenV3(cloud.identity, { credentials, scope }, this.call);
      } catch (error) {
        if (error instanceof AuthReceiptRequiredError)
          this.holdForSecondFactor(session, error, {
            cloud: cloud.name,
            regionName,
            username,
            scope,
            password,
          });
        throw error;
      }
    }
    return this.establish(session, cloud, {
      issued,
      receivedAtMs: this.now(),
      regionName,
      username,
      secret: password,
      applicationCredentialId: null,
      requiresPasscode: request.passcode !== undefined,
    });
  }

  /**
   * The second step of a multi-factor sign-in: the totp method with the auth receipt the password
   * step earned (https://docs.openstack.org/keystone/latest/user/multi-factor-authentication.html).
   * A wrong passcode may be corrected while the receipt lasts, up to MAX_PASSCODE_ATTEMPTS times.
   */
  async completeSecondFactor(session: SessionHandle, passcode: string): Promise<SessionInfo> {
    const pending = session.pendingMfa;
    if (!pending)
      throw new NotAuthenticatedError('No sign-in is waiting for a passcode. Start over with your password.');
    const startOver = (message: string) => {
      session.pendingMfa = undefined;
      return new NotAuthenticatedError(message);
    };
    const cloud = this.options.clouds.find(pending.cloud);
    if (!cloud) throw startOver('This cloud is no longer configured. Sign in again.');
    if (pending.expiresAtMs <= this.now()) throw startOver(RECEIPT_EXPIRED_MESSAGE);

    await this.budget.spend(budgetKeyFor(cloud.name, pending.username, pending.userId));
    let issued: IssuedToken;
    try {
      issued = await issueTokenV3(
        cloud.identity,
        {
          credentials: {
            totp: { user: { id: pending.userId }, passcode },
            receipt: this.options.secretBox.open(pending.sealedReceipt, session.id),
          },
          scope: pending.scope,
        },
        this.call,
      );
    } catch (error) {
      if (error instanceof AuthReceiptRejectedError) throw startOver(RECEIPT_EXPIRED_MESSAGE);
      if (error instanceof InvalidCredentialsError) {
        pending.failedAttempts += 1;
        session.pendingMfa = pending;
        if (pending.failedAttempts >= MAX_PASSCODE_ATTEMPTS)
          throw startOver('Too many wrong passcodes. Start over with your password.');
      }
      throw error;
    }
    return this.establish(session, cloud, {
      issued,
      receivedAtMs: this.now(),
      regionName: pending.regionName,
      username: pending.username,
      secret: pending.sealedPassword ? this.options.secretBox.open(pending.sealedPassword, session.id) : null,
      applicationCredentialId: null,
      requiresPasscode: true,
    });
  }

  /**
   * The application_credential method: by id, or by name + its user, with the secret
   * (https://docs.openstack.org/api-ref/identity/v3/#authenticating-with-an-application-credential).
   * The token is scoped to the credential's project; Keystone refuses any other scope.
   */
  private async loginWithApplicationCredential(
    session: SessionHandle,
    cloud: CloudConfig,
    merged: MergedLogin,
    secret: string,
  ): Promise<SessionInfo> {
    if (cloud.identity.version === '2.0')
      throw new InvalidInputError('Application credentials need Keystone v3.', {
        applicationCredentialSecret: 'is not supported by Keystone v2.0',
      });
    let credential: NonNullable<V3Credentials['applicationCredential']>;
    let username: string | null = null;
    if (merged.applicationCredentialId) {
      credential = { id: merged.applicationCredentialId, secret };
    } else if (merged.applicationCredentialName) {
      const user = toUserSelector(merged);
      username = 'name' in user ? user.name : null;
      credential = { name: merged.applicationCredentialName, user, secret };
    } else {
      throw new InvalidInputError('An application credential id (or its name and user) is required.', {
        applicationCredentialId: 'is required',
      });
    }
    await this.budget.spend(
      appCredentialBudgetKey(cloud.name, 'id' in credential ? credential.id : credential.name),
    );
    const issued = await issueTokenV3(
      cloud.identity,
      { credentials: { applicationCredential: credential }, scope: null },
      this.call,
    );
    return this.establish(session, cloud, {
      issued,
      receivedAtMs: this.now(),
      regionName: merged.regionName ?? null,
      username,
      secret,
      // Reissues go by id: Keystone names it in the token body even for a sign-in by name.
      applicationCredentialId:
        issued.applicationCredential?.id ?? ('id' in credential ? credential.id : null),
      requiresPasscode: false,
    });
  }

  /** Keystone issued a token for a sign-in: it becomes the session's, in a new session id. */
  private async establish(
    session: SessionHandle,
    cloud: CloudConfig,
    result: Established,
  ): Promise<SessionInfo> {
    const catalog = await this.completeCatalog(cloud.identity, result.issued);
    // Signing in again replaces the session: its tokens are revoked in the background.
    const previous = session.auth;
    if (previous) void this.revokeAll(session.id, previous);
    session.pendingMfa = undefined;
    // A new session id at login, against session fixation.
    await session.regenerate();
    const stored = this.toStoredToken(session.id, result.issued, result.receivedAtMs);
    session.auth = {
      cloud: cloud.name,
      identityApiVersion: cloud.identity.version,
      regionName: result.regionName,
      username: result.username,
      sealedPassword:
        this.options.keepPasswordForReissue && result.secret
          ? this.options.secretBox.seal(result.secret, session.id)
          : null,
      ...(result.applicationCredentialId ? { applicationCredentialId: result.applicationCredentialId } : {}),
      ...(result.requiresPasscode ? { requiresPasscode: true } : {}),
      currentTokenId: stored.id,
      tokens: [stored],
      catalog,
    };
    return this.sessionInfo(session);
  }

  /**
   * Keystone answered the password with 401 + Openstack-Auth-Receipt: keep the receipt sealed in
   * the session (never in the browser) and ask for the passcode. Rules that a passcode cannot
   * complete (another method than totp) are refused: API Access offers no other second factor.
   */
  private holdForSecondFactor(
    session: SessionHandle,
    error: AuthReceiptRequiredError,
    context: Pick<PendingMfa, 'cloud' | 'regionName' | 'username' | 'scope'> & { password: string },
  ): never {
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
    const lifetimeMs = Math.max(0, receipt.expiresAt.getTime() - receipt.issuedAt.getTime());
    const { password, ...where } = context;
    session.pendingMfa = {
      ...where,
      userId: receipt.userId,
      sealedReceipt: this.options.secretBox.seal(receipt.receipt, session.id),
      expiresAtMs: this.now() + lifetimeMs,
      sealedPassword: this.options.keepPasswordForReissue
        ? this.options.secretBox.seal(password, session.id)
        : null,
      failedAttempts: 0,
    };
    const minutes = Math.max(1, Math.floor(lifetimeMs / 60_000));
    throw new MfaRequiredError(
      `This account has a second factor: enter the 6-digit passcode from your authenticator app (within ${minutes} min).`,
    );
  }

  sessionInfo(session: SessionHandle): SessionInfo {
    const auth = requireAuth(session);
    const current = currentToken(auth);
    return {
      cloud: auth.cloud,
      regionName: auth.regionName,
      identityApiVersion: auth.identityApiVersion,
      user: current.user,
      project: current.project,
      roles: current.roles,
      issuedAt: new Date(current.issuedAtMs).toISOString(),
      expiresAt: new Date(current.expiresAtMs).toISOString(),
      reissueNeedsPassword: auth.sealedPassword === null,
      requiresPasscodeForReissue: auth.requiresPasscode === true,
    };
  }

  /** Revokes every token the session issued (unscoped included), then destroys the session. */
  async logout(session: SessionHandle): Promise<LogoutResult> {
    const auth = session.auth;
    const result = auth ? await this.revokeAll(session.id, auth) : { revoked: 0, notRevoked: 0 };
    await session.destroy();
    return result;
  }

  // ---------------------------------------------------------------------------------------- tokens

  tokenInfo(session: SessionHandle): TokenInfo {
    const auth = requireAuth(session);
    const current = currentToken(auth);
    const now = this.now();
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

  tokenSecret(session: SessionHandle): TokenSecret {
    const auth = requireAuth(session);
    const current = currentToken(auth);
    if (current.expiresAtMs <= this.now()) throw new TokenExpiredError();
    return {
      token: this.options.secretBox.open(current.sealedToken, session.id),
      expiresAt: new Date(current.expiresAtMs).toISOString(),
    };
  }

  listTokens(session: SessionHandle): IssuedTokenList {
    const auth = requireAuth(session);
    return {
      tokens: auth.tokens.map((token) => ({
        id: token.id,
        tokenPreview: token.tokenPreview,
        issuedAt: new Date(token.issuedAtMs).toISOString(),
        expiresAt: new Date(token.expiresAtMs).toISOString(),
        projectId: token.project?.id ?? null,
        isCurrent: token.id === auth.currentTokenId,
        isRevoked: token.isRevoked,
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
    const auth = requireAuth(session);
    const previousId = auth.currentTokenId;
    await this.renew(session, {
      secret: request.password ?? request.applicationCredentialSecret,
      passcode: request.passcode,
    });
    if (request.revokePrevious && previousId !== requireAuth(session).currentTokenId) {
      await this.revokeStoredToken(session, previousId);
    }
    return this.tokenInfo(session);
  }

  async revokeIssuedToken(session: SessionHandle, tokenId: string): Promise<void> {
    const auth = requireAuth(session);
    if (!auth.tokens.some((token) => token.id === tokenId))
      throw new NotFoundError('This session issued no such token.');
    await this.revokeStoredToken(session, tokenId);
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
    let current = currentToken(auth);
    const secondsLeft = (current.expiresAtMs - this.now()) / 1000;
    if (secondsLeft < RENEW_BEFORE_SECONDS && canRenewSilently(auth)) {
      try {
        await this.renew(session);
        auth = requireAuth(session);
        current = currentToken(auth);
      } catch (error) {
        // Keystone asked for a second factor the session did not know of: go on while the token lasts.
        if (!(error instanceof MfaRequiredError)) throw error;
        if (secondsLeft <= 0) throw new TokenExpiredError(PASSCODE_TOKEN_EXPIRED_MESSAGE);
      }
    } else if (secondsLeft <= 0) {
      throw new TokenExpiredError(auth.requiresPasscode ? PASSCODE_TOKEN_EXPIRED_MESSAGE : undefined);
    }
    try {
      return await work(this.options.secretBox.open(current.sealedToken, session.id), auth);
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
      if (!canRenewSilently(auth))
        throw new TokenExpiredError(auth.requiresPasscode ? PASSCODE_TOKEN_EXPIRED_MESSAGE : undefined);
      try {
        await this.renew(session);
      } catch (renewError) {
        if (renewError instanceof MfaRequiredError)
          throw new TokenExpiredError(PASSCODE_TOKEN_EXPIRED_MESSAGE);
        throw renewError;
      }
      const renewed = requireAuth(session);
      try {
        return await work(
          this.options.secretBox.open(currentToken(renewed).sealedToken, session.id),
          renewed,
        );
      } catch (retryError) {
        if (isUnauthorized(retryError))
          throw new TokenExpiredError('The cloud still refuses a freshly issued token.');
        throw retryError;
      }
    }
  }

  // ---------------------------------------------------------------------------------------- projects and catalog

  async listProjects(session: SessionHandle): Promise<ProjectList> {
    const auth = requireAuth(session);
    const cloud = this.cloudOf(auth);
    // An application credential is bound to one project: that is the only one to offer.
    if (cloud.identity.version === '2.0' || auth.applicationCredentialId) {
      const project = currentToken(auth).project;
      return {
        projects: project ? [{ id: project.id, name: project.name, domainId: null, enabled: true }] : [],
      };
    }
    const projects = await this.withToken(session, isTokenRejected, (token) =>
      listAuthProjects(cloud.identity, token, this.call),
    );
    return { projects };
  }

  /**
   * Scopes the session to another project. With the kept password this is a password login
   * (fresh lifetime); without it, or for an account with a second factor, a token-method re-scope
   * that keeps the current expiry (Keystone carries the password + totp methods over).
   */
  async selectProject(session: SessionHandle, projectId: string): Promise<SessionInfo> {
    const auth = requireAuth(session);
    const cloud = this.cloudOf(auth);
    const scope: ProjectScope = { id: projectId };
    if (auth.applicationCredentialId) {
      throw new InvalidInputError(
        'An application credential is bound to its project: sign in with one made for the other project.',
        { projectId: 'cannot change with an application credential' },
      );
    }
    let issued: IssuedToken;
    if (canRenewSilently(auth)) {
      issued = await this.issueFresh(session.id, auth, cloud, scope);
    } else {
      if (cloud.identity.version === '2.0') {
        throw new InvalidInputError('Switching project on a v2.0 cloud needs the password kept for reissue.');
      }
      const token = this.options.secretBox.open(currentToken(auth).sealedToken, session.id);
      await this.budget.spend(budgetKey(auth));
      issued = await rescopeTokenV3(cloud.identity, token, scope, this.call);
    }
    const stored = this.toStoredToken(session.id, issued, this.now());
    const catalog = await this.completeCatalog(cloud.identity, issued);
    this.applyRenewal(session, { stored, catalog });
    return this.sessionInfo(session);
  }

  async catalog(session: SessionHandle): Promise<Catalog> {
    const auth = requireAuth(session);
    if (auth.catalog) return auth.catalog;
    const cloud = this.cloudOf(auth);
    if (cloud.identity.version === '2.0') return { services: [], regions: [] };
    const catalog = await this.withToken(session, isTokenRejected, (token) =>
      fetchAuthCatalog(cloud.identity, token, this.call),
    );
    requireAuth(session).catalog = catalog;
    return catalog;
  }

  // ---------------------------------------------------------------------------------------- internals

  private cloudOf(auth: AuthState): CloudConfig {
    const cloud = this.options.clouds.find(auth.cloud);
    // The cloud was removed from clouds.yaml since sign-in: the session cannot go on.
    if (!cloud) throw new NotAuthenticatedError('This cloud is no longer configured. Sign in again.');
    return cloud;
  }

  private async renew(session: SessionHandle, given: GivenCredentials = {}): Promise<void> {
    // One renewal per session at a time. A request that arrived while a renewal was running, but
    // reached this point after it finished (its copy of the session was read before the new token
    // was saved), shares that renewal too: ten concurrent clicks make one Keystone token. A request
    // that arrives after a renewal finished is a new reissue.
    const receivedAt = session.receivedAt ?? this.now();
    const arrivedWhileRunning = (settled: RenewalResult) => settled.stored.issuedAtMs >= receivedAt;
    const result = await this.renewals.run(
      session.id,
      async () => {
        const auth = requireAuth(session);
        const cloud = this.cloudOf(auth);
        const project = currentToken(auth).project;
        const issued = await this.issueFresh(
          session.id,
          auth,
          cloud,
          project ? { id: project.id } : null,
          given,
        );
        const stored = this.toStoredToken(session.id, issued, this.now());
        const catalog = await this.completeCatalog(cloud.identity, issued);
        return { stored, catalog };
      },
      arrivedWhileRunning,
    );
    this.applyRenewal(session, result);
  }

  /** Stores a renewal in this request's copy of the session; idempotent for requests that shared one. */
  private applyRenewal(session: SessionHandle, result: RenewalResult): void {
    const auth = requireAuth(session);
    if (!auth.tokens.some((token) => token.id === result.stored.id)) {
      auth.tokens = [{ ...result.stored }, ...auth.tokens].slice(0, MAX_TOKENS_PER_SESSION);
    }
    auth.currentTokenId = result.stored.id;
    auth.catalog = result.catalog;
  }

  /**
   * A token with a fresh lifetime for the signed-in user: the password method (+ totp with a
   * passcode), or the application_credential method, with the kept or the given secret.
   */
  private async issueFresh(
    sessionId: string,
    auth: AuthState,
    cloud: CloudConfig,
    scope: ProjectScope | null,
    given: GivenCredentials = {},
  ): Promise<IssuedToken> {
    const isAppCredential = Boolean(auth.applicationCredentialId);
    const secret =
      given.secret ??
      (auth.sealedPassword ? this.options.secretBox.open(auth.sealedPassword, sessionId) : null);
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
    await this.budget.spend(budgetKey(auth));
    const user = currentToken(auth).user;
    if (cloud.identity.version === '2.0') {
      return issueTokenV2(
        cloud.identity,
        { username: auth.username ?? user.name, password: secret, tenant: scope },
        this.call,
        new Date(this.now()),
      );
    }
    if (auth.applicationCredentialId) {
      return issueTokenV3(
        cloud.identity,
        { credentials: { applicationCredential: { id: auth.applicationCredentialId, secret } }, scope: null },
        this.call,
      );
    }
    const selector: UserSelector = { id: user.id };
    const credentials: V3Credentials = {
      password: { user: selector, password: secret },
      ...(given.passcode ? { totp: { user: selector, passcode: given.passcode } } : {}),
    };
    try {
      return await issueTokenV3(cloud.identity, { credentials, scope }, this.call);
    } catch (error) {
      // The account got a second factor after this sign-in: from now on reissues need a passcode.
      if (error instanceof AuthReceiptRequiredError) {
        auth.requiresPasscode = true;
        throw new MfaRequiredError(PASSCODE_FOR_NEW_TOKEN_MESSAGE);
      }
      throw error;
    }
  }

  /** VK Cloud's token body has no catalog: then ask Keystone for it once, with the new token. */
  private async completeCatalog(identity: IdentityEndpoint, issued: IssuedToken): Promise<Catalog | null> {
    if (issued.catalog || !issued.project || identity.version === '2.0') return issued.catalog;
    return fetchAuthCatalog(identity, issued.token, this.call);
  }

  private toStoredToken(sessionId: string, issued: IssuedToken, receivedAtMs: number): StoredToken {
    // Anchor the lifetime to our clock: Keystone's own span, started at receipt.
    const lifetimeMs = Math.max(0, issued.expiresAt.getTime() - issued.issuedAt.getTime());
    return {
      id: randomBytes(8).toString('hex'),
      sealedToken: this.options.secretBox.seal(issued.token, sessionId),
      tokenPreview: previewOf(issued.token),
      issuedAtMs: receivedAtMs,
      expiresAtMs: receivedAtMs + lifetimeMs,
      user: issued.user,
      project: issued.project,
      roles: issued.roles,
      methods: issued.methods,
      auditIds: issued.auditIds,
      isRevoked: false,
      applicationCredential: issued.applicationCredential,
    };
  }

  private async revokeStoredToken(session: SessionHandle, tokenId: string): Promise<void> {
    const auth = requireAuth(session);
    const stored = auth.tokens.find((token) => token.id === tokenId);
    if (!stored || stored.isRevoked) return;
    const cloud = this.cloudOf(auth);
    const confirmed = await revokeToken(
      cloud.identity,
      this.options.secretBox.open(stored.sealedToken, session.id),
      this.call,
    );
    if (!confirmed && cloud.identity.version === '3') {
      throw new TokenExpiredError('Keystone did not confirm the revocation.');
    }
    stored.isRevoked = true;
  }

  private async revokeAll(sessionId: string, auth: AuthState): Promise<LogoutResult> {
    const cloud = this.options.clouds.find(auth.cloud);
    const live = auth.tokens.filter((token) => !token.isRevoked && token.expiresAtMs > this.now());
    if (!cloud || live.length === 0) return { revoked: 0, notRevoked: live.length };
    const outcomes = await Promise.allSettled(
      live.map(async (token) =>
        revokeToken(cloud.identity, this.options.secretBox.open(token.sealedToken, sessionId), this.call),
      ),
    );
    const revoked = outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value).length;
    if (revoked < live.length) {
      this.options.logger.warn(
        { cloud: cloud.name, notRevoked: live.length - revoked },
        'some tokens were not revoked at logout',
      );
    }
    return { revoked, notRevoked: live.length - revoked };
  }
}

// -------------------------------------------------------------------------------------------- helpers

export function isTokenRejected(error: unknown): boolean {
  return error instanceof TokenExpiredError;
}

function requireAuth(session: SessionHandle): AuthState {
  if (!session.auth) throw new NotAuthenticatedError();
  return session.auth;
}

function currentToken(auth: AuthState): StoredToken {
  const current = auth.tokens.find((token) => token.id === auth.currentTokenId);
  if (!current) throw new NotAuthenticatedError('The session holds no token. Sign in again.');
  return current;
}

/**
 * One budget per user, whatever the call: a sign-in by name and the reissues that follow it must
 * share a key, or the user would get the budget twice.
 */
function budgetKey(auth: AuthState): string {
  if (auth.applicationCredentialId) return appCredentialBudgetKey(auth.cloud, auth.applicationCredentialId);
  return budgetKeyFor(auth.cloud, auth.username, currentToken(auth).user.id);
}

function appCredentialBudgetKey(cloud: string, idOrName: string): string {
  return `${cloud}:appcred:${idOrName}`;
}

/** Renewal without the operator: a kept secret, and no second factor to ask for. */
function canRenewSilently(auth: AuthState): boolean {
  return auth.sealedPassword !== null && auth.requiresPasscode !== true;
}

function budgetKeyFor(cloud: string, username: string | null, userId: string | null): string {
  return username ? `${cloud}:name:${username}` : `${cloud}:id:${userId ?? ''}`;
}

/**
 * The first characters only. A Fernet token starts with its version and issue time (the first 12
 * characters are shared by every token issued in the same second); the next ones are the random
 * IV, which tells tokens apart and is no secret.
 */
const TOKEN_PREVIEW_LENGTH = 16;

function previewOf(token: string): string {
  return `${token.slice(0, TOKEN_PREVIEW_LENGTH)}…`;
}

type MergedLogin = Omit<LoginRequest, 'password' | 'passcode' | 'applicationCredentialSecret'>;

/** Fields left out of the login form fall back to the cloud's clouds.yaml defaults. */
function mergeWithDefaults(cloud: CloudConfig, request: LoginRequest): MergedLogin {
  const {
    password: _password,
    passcode: _passcode,
    applicationCredentialSecret: _secret,
    ...given
  } = request;
  const defaults = cloud.defaults;
  const hasUser = given.username !== undefined || given.userId !== undefined;
  const hasProject = given.projectId !== undefined || given.projectName !== undefined;
  const hasAppCredential =
    given.applicationCredentialId !== undefined || given.applicationCredentialName !== undefined;
  return {
    cloud: given.cloud,
    ...(hasAppCredential
      ? {}
      : {
          applicationCredentialId: defaults.applicationCredentialId,
          applicationCredentialName: defaults.applicationCredentialName,
        }),
    ...(hasUser ? {} : { username: defaults.username, userId: defaults.userId }),
    ...(given.userDomainName || given.userDomainId
      ? {}
      : { userDomainName: defaults.userDomainName, userDomainId: defaults.userDomainId }),
    ...(hasProject ? {} : { projectId: defaults.projectId, projectName: defaults.projectName }),
    ...(given.projectDomainName || given.projectDomainId
      ? {}
      : { projectDomainName: defaults.projectDomainName, projectDomainId: defaults.projectDomainId }),
    regionName: defaults.regionName,
    ...stripUndefined(given),
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function toDomain(id: string | undefined, name: string | undefined): DomainSelector | null {
  if (id) return { id };
  if (name) return { name };
  return null;
}

function toUserSelector(login: MergedLogin): UserSelector {
  if (login.userId && !login.username) return { id: login.userId };
  if (!login.username)
    throw new InvalidInputError('A username or user id is required.', { username: 'is required' });
  const domain = toDomain(login.userDomainId, login.userDomainName);
  if (!domain) {
    throw new InvalidInputError('A user domain is required with a username.', {
      userDomainName: 'is required with a username',
    });
  }
  return { name: login.username, domain };
}

/** Project by id, or by name within a domain (the user's domain when none is given); none: unscoped. */
function toProjectScope(login: MergedLogin): ProjectScope | null {
  if (login.projectId) return { id: login.projectId };
  if (!login.projectName) return null;
  const domain =
    toDomain(login.projectDomainId, login.projectDomainName) ??
    toDomain(login.userDomainId, login.userDomainName);
  if (!domain) {
    throw new InvalidInputError('A project domain is required with a project name.', {
      projectDomainName: 'is required with a project name',
    });
  }
  return { name: login.projectName, domain };
}
