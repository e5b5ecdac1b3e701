import { requireAuth, type AuthState, type SessionHandle } from '../../auth/auth-state.js';
import type { AuthServices } from '../../auth/create-auth-services.js';
import { isTokenRejected } from '../../auth/token-access.js';
import { budgetKeyOf } from '../../auth/token-issuer.js';
import type {
  ApplicationCredentialList,
  CreateApplicationCredentialRequest,
  CreatedApplicationCredential,
  CreatedEc2Credential,
  CredentialsUnavailable,
  Ec2CredentialList,
} from '../../contract/credentials.js';
import {
  CredentialsApiRefusedError,
  CredentialsNotInVersionError,
} from '../../openstack/keystone/credential-errors.js';
import type { IdentityClient } from '../../openstack/keystone/identity-client.js';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../../platform/errors.js';

const RESTRICTED_MESSAGE =
  'This session signed in with a restricted application credential: Keystone lets it neither create nor ' +
  'delete application credentials. Sign in with your password, or with an unrestricted application credential.';

/**
 * Credentials for automation: the signed-in user's application credentials and EC2 credentials.
 * The secrets pass through once, in the creation's answer: nothing here keeps or logs them.
 * Creations count against the user's token budget (they are credentials that make tokens).
 */
export class CredentialsService {
  constructor(private readonly auth: AuthServices) {}

  async listApplicationCredentials(session: SessionHandle): Promise<ApplicationCredentialList> {
    const blocked = isRestrictedSession(requireAuth(session))
      ? { reason: 'restricted_application_credential' as const, message: RESTRICTED_MESSAGE }
      : null;
    try {
      const applicationCredentials = await this.withIdentity(session, (identity, token, auth) =>
        identity.listApplicationCredentials(token, auth.current.user.id),
      );
      return { applicationCredentials, unavailable: null, creationBlocked: blocked };
    } catch (error) {
      const unavailable = unavailableOf(error);
      if (!unavailable) throw error;
      return { applicationCredentials: [], unavailable, creationBlocked: blocked };
    }
  }

  async createApplicationCredential(
    session: SessionHandle,
    request: CreateApplicationCredentialRequest,
  ): Promise<CreatedApplicationCredential> {
    const auth = requireAuth(session);
    // Keystone would answer 403; say why before asking.
    if (isRestrictedSession(auth)) throw new ForbiddenError(RESTRICTED_MESSAGE);
    if (!auth.current.project)
      throw new InvalidInputError('An application credential belongs to a project: choose a project first.');
    const expiresAt = request.expiresAt === undefined ? undefined : new Date(request.expiresAt);
    if (expiresAt && expiresAt.getTime() <= this.auth.now())
      throw new InvalidInputError('The expiry must be in the future.', { expiresAt: 'is in the past' });
    if (request.roles) {
      const held = new Set(auth.current.roles.map((role) => role.name));
      const foreign = request.roles.filter((role) => !held.has(role));
      if (foreign.length > 0) {
        throw new InvalidInputError(
          `Roles must be a subset of the current token's roles; not held: ${foreign.join(', ')}.`,
          { roles: `not held by the current token: ${foreign.join(', ')}` },
        );
      }
    }
    const budgetKey = budgetKeyOf(auth);
    return this.withIdentity(session, (identity, token, current) =>
      identity.createApplicationCredential(
        token,
        current.current.user.id,
        {
          name: request.name,
          description: request.description,
          secret: request.secret,
          expiresAt,
          roles: request.roles ? [...new Set(request.roles)] : undefined,
          unrestricted: request.unrestricted,
          accessRules: request.accessRules,
        },
        () => this.auth.budget.spend(budgetKey),
      ),
    );
  }

  async deleteApplicationCredential(session: SessionHandle, id: string): Promise<void> {
    if (isRestrictedSession(requireAuth(session))) throw new ForbiddenError(RESTRICTED_MESSAGE);
    await this.withIdentity(session, (identity, token, auth) =>
      identity.deleteApplicationCredential(token, auth.current.user.id, id),
    );
  }

  async listEc2Credentials(session: SessionHandle): Promise<Ec2CredentialList> {
    try {
      const ec2Credentials = await this.withIdentity(session, (identity, token, auth) =>
        identity.listEc2Credentials(token, auth.current.user.id, auth.current.project?.id ?? null),
      );
      return { ec2Credentials, unavailable: null };
    } catch (error) {
      const unavailable = unavailableOf(error);
      if (!unavailable) throw error;
      return { ec2Credentials: [], unavailable };
    }
  }

  async createEc2Credential(session: SessionHandle): Promise<CreatedEc2Credential> {
    const auth = requireAuth(session);
    const project = auth.current.project;
    if (!project)
      throw new InvalidInputError('An EC2 credential belongs to a project: choose a project first.');
    const budgetKey = budgetKeyOf(auth);
    return this.withIdentity(session, (identity, token, current) =>
      identity.createEc2Credential(token, current.current.user.id, project.id, () =>
        this.auth.budget.spend(budgetKey),
      ),
    );
  }

  async deleteEc2Credential(session: SessionHandle, access: string): Promise<void> {
    // Only the current project's: the list shows no others, and a guessed key of another project stays.
    const { ec2Credentials } = await this.listEc2Credentials(session);
    if (!ec2Credentials.some((credential) => credential.access === access)) {
      throw new NotFoundError('This project has no EC2 credential with that access key.');
    }
    await this.withIdentity(session, (identity, token, auth) =>
      identity.deleteEc2Credential(token, auth.current.user.id, access),
    );
  }

  private withIdentity<T>(
    session: SessionHandle,
    work: (identity: IdentityClient, token: string, auth: AuthState) => Promise<T>,
  ): Promise<T> {
    const { identity } = this.auth.clouds.of(requireAuth(session));
    return this.auth.access.withToken(session, isTokenRejected, (token, auth) => work(identity, token, auth));
  }
}

/** Keystone's token body says `restricted: true` for a restricted application credential. */
function isRestrictedSession(auth: AuthState): boolean {
  return auth.current.applicationCredential?.restricted === true;
}

function unavailableOf(error: unknown): CredentialsUnavailable | null {
  if (error instanceof CredentialsApiRefusedError || error instanceof CredentialsNotInVersionError)
    return { reason: error.reason, message: error.message };
  return null;
}
