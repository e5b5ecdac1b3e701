import { canRenewSilently, requireAuth, type AuthState, type SessionHandle } from '../../auth/auth-state.js';
import type { AuthServices } from '../../auth/create-auth-services.js';
import { describeSession } from '../../auth/describe-session.js';
import { isTokenRejected, makeCurrent } from '../../auth/token-access.js';
import { budgetKeyOf, type ObtainedToken } from '../../auth/token-issuer.js';
import type { ScopeList, SelectScopeRequest } from '../../contract/scopes.js';
import type { ProjectList, SessionInfo } from '../../contract/session.js';
import type { TokenScope } from '../../openstack/keystone/identity-client.js';
import { InvalidInputError } from '../../platform/errors.js';

/**
 * The scopes a user may switch to (projects, domains, the system) and switching the session to one
 * of them. https://docs.openstack.org/api-ref/identity/v3/#get-available-project-scopes (and the
 * domain and system lists beside it).
 */
export class ScopesService {
  constructor(private readonly auth: AuthServices) {}

  /** Exactly what Keystone offers this user: GET /v3/auth/projects, /v3/auth/domains, /v3/auth/system. */
  async list(session: SessionHandle): Promise<ScopeList> {
    const auth = requireAuth(session);
    const { identity } = this.auth.clouds.of(auth);
    // An application credential is bound to one project: that is the only scope to offer.
    if (auth.applicationCredentialId)
      return { projects: this.currentProjectOnly(auth), domains: [], system: false };
    const [projects, domains, system] = await this.auth.access.withToken(session, isTokenRejected, (token) =>
      Promise.all([
        identity.listProjects(token),
        identity.listDomains(token),
        identity.canScopeToSystem(token),
      ]),
    );
    return { projects: projects ?? this.currentProjectOnly(auth), domains, system };
  }

  /** GET /api/projects: the projects alone (the project picker of older SPAs). */
  async listProjects(session: SessionHandle): Promise<ProjectList> {
    const auth = requireAuth(session);
    const { identity } = this.auth.clouds.of(auth);
    if (identity.listsProjects && !auth.applicationCredentialId) {
      const projects = await this.auth.access.withToken(session, isTokenRejected, (token) =>
        identity.listProjects(token),
      );
      if (projects) return { projects };
    }
    return { projects: this.currentProjectOnly(auth) };
  }

  /**
   * Scopes the session to a project, a domain or the system: one new token, counted in the user's
   * token budget and recorded in the session's ledger. With the kept password this is a password
   * login (fresh lifetime); without it, or for an account with a second factor, a token-method
   * re-scope that keeps the current expiry (Keystone carries the password + totp methods over).
   * A domain or the system is checked against Keystone's own lists first, so a scope the user does
   * not have is named as such instead of Keystone's bare 401.
   */
  async select(session: SessionHandle, request: SelectScopeRequest): Promise<SessionInfo> {
    const auth = requireAuth(session);
    const cloud = this.auth.clouds.of(auth);
    if (auth.applicationCredentialId) {
      throw new InvalidInputError(
        'An application credential is bound to its project: sign in with one made for the other scope.',
        {
          [request.kind === 'project' ? 'projectId' : 'kind']: 'cannot change with an application credential',
        },
      );
    }
    let scope: TokenScope;
    if (request.kind === 'project') {
      scope = { id: request.projectId };
    } else {
      const offered = await this.list(session);
      if (request.kind === 'domain') {
        if (!offered.domains.some((domain) => domain.id === request.domainId)) {
          throw new InvalidInputError('You have no role on this domain, so no token can be scoped to it.', {
            domainId: 'is not a domain you have a role on',
          });
        }
        scope = { kind: 'domain', domain: { id: request.domainId } };
      } else {
        if (!offered.system) {
          throw new InvalidInputError('You have no role on the system, so no token can be scoped to it.', {
            kind: 'system scope is not available to you',
          });
        }
        scope = { kind: 'system' };
      }
    }
    const obtained: ObtainedToken = canRenewSilently(auth)
      ? await this.auth.issuer.obtainFresh(session.id, auth, cloud, scope)
      : await this.auth.issuer.rescope(
          cloud,
          this.auth.access.reveal(session, auth.current),
          scope,
          budgetKeyOf(auth),
        );
    const entry = await this.auth.ledger.record(
      session.id,
      obtained.issued,
      obtained.receivedAtMs,
      cloud.identity,
      obtained.catalog,
    );
    makeCurrent(auth, { entry });
    return describeSession(auth);
  }

  private currentProjectOnly(auth: AuthState): ProjectList['projects'] {
    const project = auth.current.project;
    return project
      ? [{ id: project.id, name: project.name, domainId: project.domain?.id ?? null, enabled: true }]
      : [];
  }
}
