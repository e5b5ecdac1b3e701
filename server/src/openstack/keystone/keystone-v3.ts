import { z } from 'zod';
import type { Catalog } from '../../contract/catalog.js';
import { TokenExpiredError } from '../../platform/errors.js';
import { normalizeV3Catalog, v3CatalogSchema } from '../catalog.js';
import { openstackFetch, parseUpstream, type UpstreamResponse } from '../openstack-fetch.js';
import type {
  AuthDomain,
  AuthProject,
  IdentityClient,
  IssuedToken,
  NewApplicationCredential,
  TokenInspection,
  TokenRequest,
  TokenScope,
} from './identity-client.js';
import { inspectV3Token } from './keystone-v3-inspection.js';
import {
  createApplicationCredentialV3,
  createEc2Credential,
  deleteApplicationCredentialV3,
  deleteEc2Credential,
  listApplicationCredentialsV3,
  listEc2Credentials,
  toEc2Credentials,
} from './keystone-credentials.js';
import {
  failMissingEntity,
  failUnauthorizedTokenRequest,
  readV3Token,
  toIdentityBody,
  toProjectRef,
  toRoleRefs,
  toIssuedToken,
  toScopeBody,
  v3TokenBodySchema,
} from './keystone-v3-bodies.js';
import { failTokenAuthenticatedCall, failTokenRequest } from './token-request-errors.js';

const domainListSchema = z.object({
  domains: z.array(z.object({ id: z.string(), name: z.string(), enabled: z.boolean().nullish() })),
});

const systemListSchema = z.object({ system: z.array(z.object({ all: z.boolean().nullish() })).default([]) });

const projectListSchema = z.object({
  projects: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      domain_id: z.string().nullish(),
      enabled: z.boolean().nullish(),
    }),
  ),
});

/** Keystone's v3 API: https://docs.openstack.org/api-ref/identity/v3/ */
export class KeystoneV3 implements IdentityClient {
  readonly version = '3' as const;
  readonly confirmsRevocation = true;
  readonly listsProjects = true;

  constructor(
    private readonly rootUrl: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * POST /v3/auth/tokens with the password method (plus totp for a second factor), or the
   * application_credential method: the only ways to a token with a fresh lifetime. An application
   * credential is bound to its project and Keystone refuses a scope with it. A receipt continues a
   * multi-factor sign-in: the methods of the earlier step count as done.
   */
  async issueToken({ credentials, scope: asked, beforeSend }: TokenRequest): Promise<IssuedToken> {
    const scope = credentials.method === 'application_credential' ? null : asked;
    const identity = toIdentityBody(credentials);
    const scopeBody = toScopeBody(scope, credentials.method === 'password' ? credentials.user : undefined);
    await beforeSend?.();
    const response = await openstackFetch(`${this.rootUrl}/v3/auth/tokens`, {
      service: 'Keystone',
      method: 'POST',
      timeoutMs: this.timeoutMs,
      ...(credentials.method === 'receipt'
        ? { headers: { 'Openstack-Auth-Receipt': credentials.receipt } }
        : {}),
      json: { auth: { identity, scope: scopeBody } },
    });
    if (response.status !== 201 && response.status !== 200) {
      if (response.status === 401) failUnauthorizedTokenRequest(response, credentials);
      failMissingEntity(response, credentials);
      failTokenRequest(response, '3', this.rootUrl);
    }
    return this.completeMinimalToken(await this.readIssued(response), scope !== null);
  }

  /** Re-scope with the token method: Keystone keeps the parent's expires_at (no extension). */
  async rescopeToken(
    token: string,
    scope: TokenScope,
    beforeSend?: () => Promise<void>,
  ): Promise<IssuedToken> {
    const scopeBody = toScopeBody(scope);
    await beforeSend?.();
    const response = await openstackFetch(`${this.rootUrl}/v3/auth/tokens`, {
      service: 'Keystone',
      method: 'POST',
      timeoutMs: this.timeoutMs,
      json: { auth: { identity: { methods: ['token'], token: { id: token } }, scope: scopeBody } },
    });
    // An expired parent token gives 404 here, not 401 (observed on Keystone 22).
    if (response.status === 404) throw new TokenExpiredError();
    if (response.status !== 201 && response.status !== 200) failTokenRequest(response, '3', this.rootUrl);
    return this.completeMinimalToken(await this.readIssued(response), true);
  }

  /**
   * GET /v3/auth/tokens with the token as both X-Auth-Token and X-Subject-Token: a user may
   * validate their own token (https://docs.openstack.org/api-ref/identity/v3/#validate-and-show-information-for-token).
   * 401/404 mean Keystone does not accept it: expired, revoked or never its own.
   */
  async validateOwnToken(token: string): Promise<IssuedToken> {
    const response = await openstackFetch(`${this.rootUrl}/v3/auth/tokens?nocatalog`, {
      service: 'Keystone',
      headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
      timeoutMs: this.timeoutMs,
    });
    if (response.status !== 200) failTokenAuthenticatedCall(response, 'the token validation');
    const body = parseUpstream(v3TokenBodySchema, response.body, 'Keystone', 'the token validation');
    return { token, ...toIssuedToken(body.token) };
  }

  /** GET /v3/auth/projects: the projects the token's user may scope to. */
  async listProjects(token: string): Promise<AuthProject[] | null> {
    const response = await openstackFetch(`${this.rootUrl}/v3/auth/projects`, {
      service: 'Keystone',
      headers: { 'X-Auth-Token': token },
      timeoutMs: this.timeoutMs,
    });
    if (response.status !== 200) failTokenAuthenticatedCall(response, 'the project list request');
    const body = parseUpstream(projectListSchema, response.body, 'Keystone', 'the project list');
    return body.projects
      .map((project) => ({
        id: project.id,
        name: project.name,
        domainId: project.domain_id ?? null,
        enabled: project.enabled ?? true,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** GET /v3/auth/domains: the domains the token's user may scope to. */
  async listDomains(token: string): Promise<AuthDomain[]> {
    const response = await openstackFetch(`${this.rootUrl}/v3/auth/domains`, {
      service: 'Keystone',
      headers: { 'X-Auth-Token': token },
      timeoutMs: this.timeoutMs,
    });
    // A Keystone (or a cloud's gateway) without the list offers no domain scope; 401 is the token's.
    if (response.status === 404 || response.status === 403) return [];
    if (response.status !== 200) failTokenAuthenticatedCall(response, 'the domain list request');
    const body = parseUpstream(domainListSchema, response.body, 'Keystone', 'the domain list');
    return body.domains
      .map((domain) => ({ id: domain.id, name: domain.name, enabled: domain.enabled ?? true }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** GET /v3/auth/system: `[{"all": true}]` when the user has a role on the system, else `[]`. */
  async canScopeToSystem(token: string): Promise<boolean> {
    const response = await openstackFetch(`${this.rootUrl}/v3/auth/system`, {
      service: 'Keystone',
      headers: { 'X-Auth-Token': token },
      timeoutMs: this.timeoutMs,
    });
    // Keystone before Queens has no /v3/auth/system: no system scope there.
    if (response.status === 404 || response.status === 403) return false;
    if (response.status !== 200) failTokenAuthenticatedCall(response, 'the system scope request');
    const body = parseUpstream(systemListSchema, response.body, 'Keystone', 'the system scope list');
    return body.system.some((entry) => entry.all === true);
  }

  inspectToken(authToken: string, subjectToken: string, allowExpired: boolean): Promise<TokenInspection> {
    return inspectV3Token(this.rootUrl, this.timeoutMs, authToken, subjectToken, allowExpired);
  }

  /** VK Cloud's token body has no catalog: then ask Keystone for it once, with the new token. */
  async completeCatalog(issued: IssuedToken): Promise<Catalog | null> {
    if (issued.catalog || !isScoped(issued)) return issued.catalog;
    return this.fetchCatalog(issued.token);
  }

  /** GET /v3/auth/catalog: for clouds whose token body has no catalog (VK Cloud). */
  async fetchCatalog(token: string): Promise<Catalog> {
    const response = await openstackFetch(`${this.rootUrl}/v3/auth/catalog`, {
      service: 'Keystone',
      headers: { 'X-Auth-Token': token },
      timeoutMs: this.timeoutMs,
    });
    if (response.status !== 200) failTokenAuthenticatedCall(response, 'the catalog request');
    const body = parseUpstream(
      z.object({ catalog: v3CatalogSchema }),
      response.body,
      'Keystone',
      'the catalog',
    );
    return normalizeV3Catalog(body.catalog);
  }

  /** DELETE /v3/auth/tokens, the token authorizing its own revocation (204). */
  async revokeToken(token: string): Promise<boolean> {
    const response = await openstackFetch(`${this.rootUrl}/v3/auth/tokens`, {
      service: 'Keystone',
      method: 'DELETE',
      headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
      timeoutMs: this.timeoutMs,
    });
    // 404 "Failed to validate token" / 401: already revoked or expired, which is what we wanted.
    return response.status === 204 || response.status === 404 || response.status === 401;
  }

  listApplicationCredentials(token: string, userId: string) {
    return listApplicationCredentialsV3(this.call(token, userId));
  }

  createApplicationCredential(
    token: string,
    userId: string,
    request: NewApplicationCredential,
    beforeSend?: () => Promise<void>,
  ) {
    return createApplicationCredentialV3(this.call(token, userId), request, beforeSend);
  }

  deleteApplicationCredential(token: string, userId: string, id: string) {
    return deleteApplicationCredentialV3(this.call(token, userId), id);
  }

  async listEc2Credentials(token: string, userId: string, projectId: string | null) {
    return toEc2Credentials(await listEc2Credentials(this.call(token, userId), '/v3'), projectId);
  }

  createEc2Credential(token: string, userId: string, projectId: string, beforeSend?: () => Promise<void>) {
    return createEc2Credential(this.call(token, userId), '/v3', projectId, beforeSend);
  }

  deleteEc2Credential(token: string, userId: string, access: string) {
    return deleteEc2Credential(this.call(token, userId), '/v3', access);
  }

  private call(token: string, userId: string) {
    return { rootUrl: this.rootUrl, timeoutMs: this.timeoutMs, token, userId };
  }

  /**
   * VK Cloud answers POST /v3/auth/tokens with a minimal body (issued_at, audit_ids, methods,
   * expires_at, user) even for a project-scoped token: no project, no roles (seed 001). Validating
   * the token (GET /v3/auth/tokens, a token may validate itself) gives them, so a renewal keeps the
   * project scope. https://docs.openstack.org/api-ref/identity/v3/#validate-and-show-information-for-token
   * Best effort: a cloud that refuses the validation keeps the token as issued.
   */
  /**
   * The token of a 201, read from its body. A body we cannot accept (odd shape, a catalog over our
   * bounds) after Keystone issued the token: revoke it before failing, since nothing will hold it.
   */
  private async readIssued(response: UpstreamResponse): Promise<IssuedToken> {
    try {
      return readV3Token(response);
    } catch (error) {
      const token = response.headers.get('x-subject-token');
      if (token) await this.revokeToken(token).catch(() => false);
      throw error;
    }
  }

  private async completeMinimalToken(issued: IssuedToken, wasScoped: boolean): Promise<IssuedToken> {
    if (!wasScoped || isScoped(issued)) return issued;
    const response = await openstackFetch(`${this.rootUrl}/v3/auth/tokens?nocatalog`, {
      service: 'Keystone',
      headers: { 'X-Auth-Token': issued.token, 'X-Subject-Token': issued.token },
      timeoutMs: this.timeoutMs,
    });
    if (response.status !== 200) return issued;
    const body = parseUpstream(v3TokenBodySchema, response.body, 'Keystone', 'the token validation').token;
    if (!body.project && !body.domain && !body.system?.all) return issued;
    return {
      ...issued,
      project: toProjectRef(body.project),
      domain: body.domain ? { id: body.domain.id, name: body.domain.name ?? null } : null,
      system: body.system?.all === true,
      roles: toRoleRefs(body.roles),
    };
  }
}

function isScoped(issued: IssuedToken): boolean {
  return Boolean(issued.project || issued.domain || issued.system);
}
