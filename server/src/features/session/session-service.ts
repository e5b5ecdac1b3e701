import { randomBytes } from 'node:crypto';
import type { Catalog } from '../../contract/catalog.js';
import type { LoginRequest, LogoutResult, ProjectList, SessionInfo } from '../../contract/session.js';
import type { IssuedTokenList, ReissueRequest, TokenInfo, TokenSecret } from '../../contract/token.js';
import type { CloudConfig, CloudRegistry } from '../../clouds/clouds-config.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import { InvalidInputError, NotAuthenticatedError, NotFoundError, TokenExpiredError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import {
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
} from '../../openstack/keystone.js';
import { createMemorySharedState, type SharedState } from '../../shared-state/shared-state.js';
import type { Flight } from '../token/single-flight.js';
import { TokenBudget } from '../token/token-budget.js';
import {
  MAX_TOKENS_PER_SESSION,
  type AuthState,
  type SessionHandle,
  type StoredToken,
} from './auth-state.js';

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

/** Below this many seconds left, a token is renewed before it is used for an upstream call. */
export const RENEW_BEFORE_SECONDS = 120;

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
    this.renewals = shared.createFlight<RenewalResult>('renewal', 2 * options.upstreamTimeoutMs + 2000);
    this.call = { timeoutMs: options.upstreamTimeoutMs };
  }

  // ---------------------------------------------------------------------------------------- login

  async login(session: SessionHandle, request: LoginRequest): Promise<SessionInfo> {
    const cloud = this.options.clouds.find(request.cloud);
    if (!cloud) throw new InvalidInputError('Unknown cloud.', { cloud: 'is not a configured cloud' });
    const merged = mergeWithDefaults(cloud, request);
    const regionName = merged.regionName ?? null;

    let issued: IssuedToken;
    let username: string | null;
    if (cloud.identity.version === '2.0') {
      if (!merged.username)
        throw new InvalidInputError('Keystone v2.0 needs a username.', { username: 'is required' });
      username = merged.username;
      const tenant = merged.projectId
        ? { id: merged.projectId }
        : merged.projectName
          ? { name: merged.projectName }
          : null;
      await this.budget.spend(budgetKeyFor(cloud.name, username, null));
      issued = await issueTokenV2(
        cloud.identity,
        { username, password: request.password, tenant },
        this.call,
        new Date(this.now()),
      );
    } else {
      const user = toUserSelector(merged);
      username = 'name' in user ? user.name : null;
      await this.budget.spend(
        'id' in user ? budgetKeyFor(cloud.name, null, user.id) : budgetKeyFor(cloud.name, user.name, null),
      );
      issued = await issueTokenV3(
        cloud.identity,
        { user, password: request.password, scope: toProjectScope(merged) },
        this.call,
      );
    }
    const receivedAtMs = this.now();
    const catalog = await this.completeCatalog(cloud.identity, issued);

    // Signing in again replaces the session: its tokens are revoked in the background.
    const previous = session.auth;
    if (previous) void this.revokeAll(session.id, previous);
    // A new session id at login, against session fixation.
    await session.regenerate();
    const stored = this.toStoredToken(session.id, issued, receivedAtMs);
    session.auth = {
      cloud: cloud.name,
      identityApiVersion: cloud.identity.version,
      regionName,
      username,
      sealedPassword: this.options.keepPasswordForReissue
        ? this.options.secretBox.seal(request.password, session.id)
        : null,
      currentTokenId: stored.id,
      tokens: [stored],
      catalog,
    };
    return this.sessionInfo(session);
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
   * Earlier tokens stay valid, as at VK Cloud, unless revokePrevious is asked for.
   */
  async reissue(session: SessionHandle, request: ReissueRequest): Promise<TokenInfo> {
    const auth = requireAuth(session);
    const previousId = auth.currentTokenId;
    await this.renew(session, request.password);
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
   * left (if the password is kept), and on an upstream 401 renewed once and retried once.
   */
  async withToken<T>(
    session: SessionHandle,
    isUnauthorized: (error: unknown) => boolean,
    work: (token: string, auth: AuthState) => Promise<T>,
  ): Promise<T> {
    let auth = requireAuth(session);
    let current = currentToken(auth);
    const secondsLeft = (current.expiresAtMs - this.now()) / 1000;
    if (secondsLeft < RENEW_BEFORE_SECONDS && auth.sealedPassword) {
      await this.renew(session);
      auth = requireAuth(session);
      current = currentToken(auth);
    } else if (secondsLeft <= 0) {
      throw new TokenExpiredError();
    }
    try {
      return await work(this.options.secretBox.open(current.sealedToken, session.id), auth);
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
      if (!auth.sealedPassword) throw new TokenExpiredError();
      await this.renew(session);
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
    if (cloud.identity.version === '2.0') {
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
   * (fresh lifetime); without it, a token-method re-scope that keeps the current expiry.
   */
  async selectProject(session: SessionHandle, projectId: string): Promise<SessionInfo> {
    const auth = requireAuth(session);
    const cloud = this.cloudOf(auth);
    const scope: ProjectScope = { id: projectId };
    let issued: IssuedToken;
    if (auth.sealedPassword) {
      issued = await this.issueWithPassword(session.id, auth, cloud, scope);
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

  private async renew(session: SessionHandle, password?: string): Promise<void> {
    const result = await this.renewals.run(session.id, async () => {
      const auth = requireAuth(session);
      const cloud = this.cloudOf(auth);
      const project = currentToken(auth).project;
      const issued = await this.issueWithPassword(
        session.id,
        auth,
        cloud,
        project ? { id: project.id } : null,
        password,
      );
      const stored = this.toStoredToken(session.id, issued, this.now());
      const catalog = await this.completeCatalog(cloud.identity, issued);
      return { stored, catalog };
    });
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

  private async issueWithPassword(
    sessionId: string,
    auth: AuthState,
    cloud: CloudConfig,
    scope: ProjectScope | null,
    givenPassword?: string,
  ): Promise<IssuedToken> {
    const password =
      givenPassword ??
      (auth.sealedPassword ? this.options.secretBox.open(auth.sealedPassword, sessionId) : null);
    if (!password) {
      throw new InvalidInputError('Reissue needs your password: the server does not keep it.', {
        password: 'is required',
      });
    }
    await this.budget.spend(budgetKey(auth));
    const user = currentToken(auth).user;
    if (cloud.identity.version === '2.0') {
      return issueTokenV2(
        cloud.identity,
        { username: auth.username ?? user.name, password, tenant: scope },
        this.call,
        new Date(this.now()),
      );
    }
    return issueTokenV3(cloud.identity, { user: { id: user.id }, password, scope }, this.call);
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
  return budgetKeyFor(auth.cloud, auth.username, currentToken(auth).user.id);
}

function budgetKeyFor(cloud: string, username: string | null, userId: string | null): string {
  return username ? `${cloud}:name:${username}` : `${cloud}:id:${userId ?? ''}`;
}

function previewOf(token: string): string {
  return `${token.slice(0, 8)}…${token.slice(-4)}`;
}

type MergedLogin = Omit<LoginRequest, 'password'>;

/** Fields left out of the login form fall back to the cloud's clouds.yaml defaults. */
function mergeWithDefaults(cloud: CloudConfig, request: LoginRequest): MergedLogin {
  const { password: _password, ...given } = request;
  const defaults = cloud.defaults;
  const hasUser = given.username !== undefined || given.userId !== undefined;
  const hasProject = given.projectId !== undefined || given.projectName !== undefined;
  return {
    cloud: given.cloud,
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
