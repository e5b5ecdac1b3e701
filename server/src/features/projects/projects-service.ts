import { canRenewSilently, requireAuth, type SessionHandle } from '../../auth/auth-state.js';
import type { AuthServices } from '../../auth/create-auth-services.js';
import { describeSession } from '../../auth/describe-session.js';
import { isTokenRejected, makeCurrent } from '../../auth/token-access.js';
import { budgetKeyOf, type ObtainedToken } from '../../auth/token-issuer.js';
import type { ProjectList, SessionInfo } from '../../contract/session.js';
import { InvalidInputError } from '../../platform/errors.js';

/** The projects a user may scope to, and switching the session to one of them. */
export class ProjectsService {
  constructor(private readonly auth: AuthServices) {}

  async list(session: SessionHandle): Promise<ProjectList> {
    const auth = requireAuth(session);
    const { identity } = this.auth.clouds.of(auth);
    // An application credential is bound to one project: that is the only one to offer.
    if (identity.listsProjects && !auth.applicationCredentialId) {
      const projects = await this.auth.access.withToken(session, isTokenRejected, (token) =>
        identity.listProjects(token),
      );
      if (projects) return { projects };
    }
    const project = auth.current.project;
    return {
      projects: project ? [{ id: project.id, name: project.name, domainId: null, enabled: true }] : [],
    };
  }

  /**
   * Scopes the session to another project. With the kept password this is a password login
   * (fresh lifetime); without it, or for an account with a second factor, a token-method re-scope
   * that keeps the current expiry (Keystone carries the password + totp methods over).
   */
  async select(session: SessionHandle, projectId: string): Promise<SessionInfo> {
    const auth = requireAuth(session);
    const cloud = this.auth.clouds.of(auth);
    if (auth.applicationCredentialId) {
      throw new InvalidInputError(
        'An application credential is bound to its project: sign in with one made for the other project.',
        { projectId: 'cannot change with an application credential' },
      );
    }
    const scope = { id: projectId };
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
    );
    makeCurrent(auth, { entry, catalog: obtained.catalog });
    return describeSession(auth);
  }
}
