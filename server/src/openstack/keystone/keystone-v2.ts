import { z } from 'zod';
import type { Catalog } from '../../contract/catalog.js';
import { InvalidInputError } from '../../platform/errors.js';
import { normalizeV2Catalog, v2CatalogSchema } from '../catalog.js';
import { openstackFetch, parseUpstream } from '../openstack-fetch.js';
import { CredentialsNotInVersionError } from './credential-errors.js';
import {
  createEc2Credential,
  deleteEc2Credential,
  listEc2Credentials,
  toEc2Credentials,
} from './keystone-credentials.js';
import {
  isProjectScope,
  type AuthDomain,
  type IdentityClient,
  type IssuedToken,
  type TokenInspection,
  type TokenRequest,
} from './identity-client.js';
import { parseKeystoneTime } from './keystone-time.js';
import { failTokenRequest } from './token-request-errors.js';

const v2AccessSchema = z.object({
  access: z.object({
    token: z.object({
      id: z.string(),
      expires: z.string(),
      issued_at: z.string().nullish(),
      audit_ids: z.array(z.string()).nullish(),
      tenant: z.object({ id: z.string(), name: z.string() }).nullish(),
    }),
    serviceCatalog: v2CatalogSchema.nullish(),
    user: z.object({
      id: z.string(),
      name: z.string().nullish(),
      username: z.string().nullish(),
      roles: z.array(z.object({ id: z.string().nullish(), name: z.string() })).nullish(),
    }),
  }),
});

/**
 * The legacy v2.0 API as NHN Cloud documents it (seed 004): POST /v2.0/tokens with
 * passwordCredentials and tenantId or tenantName. Password only: no second factor, no application
 * credentials, no token re-scope, no project list; the catalog always comes in the token body.
 */
export class KeystoneV2 implements IdentityClient {
  readonly version = '2.0' as const;
  readonly confirmsRevocation = false;
  readonly listsProjects = false;

  constructor(
    private readonly rootUrl: string,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async issueToken({ credentials, scope, beforeSend }: TokenRequest): Promise<IssuedToken> {
    if (credentials.method !== 'password') {
      throw new InvalidInputError('Application credentials need Keystone v3.', {
        applicationCredentialSecret: 'is not supported by Keystone v2.0',
      });
    }
    const username = credentials.user.name;
    if (!username)
      throw new InvalidInputError('Keystone v2.0 needs a username.', { username: 'is required' });
    if (credentials.passcode !== undefined) {
      throw new InvalidInputError('Keystone v2.0 has no second factor.', {
        passcode: 'is not supported by Keystone v2.0',
      });
    }
    if (scope && !isProjectScope(scope)) {
      throw new InvalidInputError('Keystone v2.0 scopes tokens to projects only.', {
        scope: 'must be a project on Keystone v2.0',
      });
    }
    const tenant = scope ? ('id' in scope ? { tenantId: scope.id } : { tenantName: scope.name }) : {};
    await beforeSend?.();
    const receivedAt = new Date(this.now());
    const response = await openstackFetch(`${this.rootUrl}/v2.0/tokens`, {
      service: 'Keystone',
      method: 'POST',
      timeoutMs: this.timeoutMs,
      json: { auth: { ...tenant, passwordCredentials: { username, password: credentials.password } } },
    });
    if (response.status !== 200 && response.status !== 201) failTokenRequest(response, '2.0', this.rootUrl);
    const access = parseUpstream(v2AccessSchema, response.body, 'Keystone', 'the v2.0 token').access;
    return {
      token: access.token.id,
      // A v2.0 body without issued_at: assume it was issued now (lifetime measured from receipt).
      issuedAt: access.token.issued_at ? parseKeystoneTime(access.token.issued_at) : receivedAt,
      expiresAt: parseKeystoneTime(access.token.expires),
      user: {
        id: access.user.id,
        name: access.user.name ?? access.user.username ?? access.user.id,
        domain: null,
      },
      project: access.token.tenant
        ? { id: access.token.tenant.id, name: access.token.tenant.name, domain: null }
        : null,
      roles: (access.user.roles ?? []).map((role) => ({ id: role.id ?? null, name: role.name })),
      methods: ['password'],
      auditIds: access.token.audit_ids ?? [],
      catalog: normalizeV2Catalog(access.serviceCatalog ?? []),
      applicationCredential: null,
    };
  }

  rescopeToken(): Promise<IssuedToken> {
    return Promise.reject(
      new InvalidInputError('Switching project on a v2.0 cloud needs the password kept for reissue.'),
    );
  }

  /** v2.0 has no list of the projects a user may scope to that every cloud offers a user. */
  async listProjects(): Promise<null> {
    return null;
  }

  /** v2.0 knows no domain scope. */
  async listDomains(): Promise<AuthDomain[]> {
    return [];
  }

  /** v2.0 knows no system scope. */
  async canScopeToSystem(): Promise<boolean> {
    return false;
  }

  /** GET /v2.0/tokens/{id} is an admin API that few clouds open to users: not offered. */
  inspectToken(): Promise<TokenInspection> {
    return Promise.reject(
      new InvalidInputError('The token inspector needs Keystone v3 (GET /v3/auth/tokens).', {
        token: 'cannot be inspected on a Keystone v2.0 cloud',
      }),
    );
  }

  /** Federation (and so WebSSO) is a v3 API: clouds.yaml refuses WebSSO on a v2.0 cloud. */
  validateOwnToken(): Promise<IssuedToken> {
    return Promise.reject(new InvalidInputError('Single sign-on needs Keystone v3 federation.'));
  }

  async completeCatalog(issued: IssuedToken): Promise<Catalog | null> {
    return issued.catalog;
  }

  /** The catalog comes in every v2.0 token body; there is nothing more to ask. */
  async fetchCatalog(): Promise<Catalog> {
    return { services: [], regions: [] };
  }

  /**
   * v2.0 has no revocation a user may call on every cloud (DELETE /v2.0/tokens/{id} was an admin
   * API): best effort, the result says whether Keystone confirmed it.
   */
  async revokeToken(token: string): Promise<boolean> {
    const response = await openstackFetch(`${this.rootUrl}/v2.0/tokens/${encodeURIComponent(token)}`, {
      service: 'Keystone',
      method: 'DELETE',
      headers: { 'X-Auth-Token': token },
      timeoutMs: this.timeoutMs,
    });
    return response.status === 204 || response.status === 200;
  }

  /** Application credentials came with v3 (Queens): v2.0 has none. */
  listApplicationCredentials(): Promise<never> {
    return Promise.reject(noApplicationCredentials());
  }

  createApplicationCredential(): Promise<never> {
    return Promise.reject(noApplicationCredentials());
  }

  deleteApplicationCredential(): Promise<never> {
    return Promise.reject(noApplicationCredentials());
  }

  /**
   * EC2 credentials under /v2.0/users/{user_id}/credentials/OS-EC2 (Keystone's OS-EC2 extension):
   * how NHN Cloud hands out S3 keys. Same bodies as v3's.
   */
  async listEc2Credentials(token: string, userId: string, projectId: string | null) {
    return toEc2Credentials(await listEc2Credentials(this.call(token, userId), '/v2.0'), projectId);
  }

  createEc2Credential(token: string, userId: string, projectId: string, beforeSend?: () => Promise<void>) {
    return createEc2Credential(this.call(token, userId), '/v2.0', projectId, beforeSend);
  }

  deleteEc2Credential(token: string, userId: string, access: string) {
    return deleteEc2Credential(this.call(token, userId), '/v2.0', access);
  }

  private call(token: string, userId: string) {
    return { rootUrl: this.rootUrl, timeoutMs: this.timeoutMs, token, userId };
  }
}

function noApplicationCredentials(): CredentialsNotInVersionError {
  return new CredentialsNotInVersionError(
    'Application credentials need Keystone v3: this cloud speaks v2.0.',
    {
      identityApiVersion: 'is 2.0, application credentials need 3',
    },
  );
}
