import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { CloudDefaults, CloudSummary } from '../contract/clouds.js';
import type { EndpointInterface, IdentityApiVersion } from '../contract/common.js';
import { resolveIdentityEndpoint, type IdentityEndpoint } from './identity-endpoint.js';
import { federationIdSchema, readWebSso, type WebSsoConfig } from './websso-config.js';

export type { WebSsoConfig } from './websso-config.js';

/**
 * Clouds are configured the OpenStack way, with clouds.yaml
 * (https://docs.openstack.org/openstacksdk/latest/user/config/configuration.html). The BFF only
 * ever talks to the auth URLs listed here. Passwords in the file are ignored on purpose: the
 * operator types them, so a stolen clouds.yaml of ours holds no secret. The same goes for the
 * secret of an `auth_type: v3applicationcredential` entry: only its id or name is used.
 */
export interface CloudConfig {
  name: string;
  authUrl: string;
  identity: IdentityEndpoint;
  /** How the operator signs in (absent: password). */
  authType?: CloudAuthType;
  interface: EndpointInterface;
  /**
   * The catalog interfaces the BFF may call for this cloud: `interface` plus those listed under
   * `api_access.interfaces` (absent: `interface` only). See allowedInterfacesOf.
   */
  allowedInterfaces?: EndpointInterface[];
  regions: string[];
  defaults: CloudDefaults;
  demo?: { username: string; password: string };
  /** Sign-in through the cloud's identity provider (Keystone WebSSO), when the cloud offers it. */
  websso?: WebSsoConfig;
}

/** `websso`: the cloud offers nothing but WebSSO (`auth_type: v3websso`). */
export type CloudAuthType = 'password' | 'application_credential' | 'websso';

export class CloudsConfigError extends Error {}

const optionalString = z
  .union([z.string(), z.number()])
  .transform((value) => String(value).trim())
  .optional();

const cloudEntrySchema = z.object({
  auth_type: z.string().optional(),
  auth: z
    .object({
      auth_url: z.string().url('must be a URL'),
      username: optionalString,
      user_id: optionalString,
      user_domain_name: optionalString,
      user_domain_id: optionalString,
      project_id: optionalString,
      project_name: optionalString,
      tenant_id: optionalString,
      tenant_name: optionalString,
      project_domain_name: optionalString,
      project_domain_id: optionalString,
      domain_name: optionalString,
      domain_id: optionalString,
      application_credential_id: optionalString,
      application_credential_name: optionalString,
      // keystoneauth-websso's `v3websso` plugin names them so.
      identity_provider: optionalString,
      protocol: optionalString,
    })
    .passthrough(),
  region_name: z.union([z.string(), z.array(z.string())]).optional(),
  regions: z.array(z.union([z.string(), z.object({ name: z.string() }).passthrough()])).optional(),
  interface: z.enum(['public', 'internal', 'admin']).optional(),
  endpoint_type: z.enum(['public', 'internal', 'admin', 'publicURL', 'internalURL', 'adminURL']).optional(),
  identity_api_version: z.union([z.string(), z.number()]).optional(),
  // Our own key (openstacksdk ignores keys it does not know). `interfaces`: the catalog interfaces
  // signed-in users may send the BFF to, besides `interface` (issue 13 item 4).
  // `websso`: the cloud also offers "Sign in with SSO" (issue 17).
  api_access: z
    .strictObject({
      interfaces: z
        .array(z.enum(['public', 'internal', 'admin'], 'must be public, internal or admin'))
        .min(1, 'must list at least one interface')
        .optional(),
      websso: z
        .strictObject({
          protocol: federationIdSchema.optional(),
          identity_provider: federationIdSchema.optional(),
          label: z.string().trim().min(1).max(60, 'must be at most 60 characters').optional(),
        })
        .optional(),
    })
    .optional(),
});

const cloudsFileSchema = z.object({ clouds: z.record(z.string(), z.unknown()) });

const passwordAuthTypes = new Set(['password', 'v3password', 'v2password']);
// keystoneauth's plugin name (https://docs.openstack.org/keystoneauth/latest/plugin-options.html#v3applicationcredential).
const applicationCredentialAuthTypes = new Set(['v3applicationcredential']);
// keystoneauth-websso's plugin name: the cloud signs in through its identity provider only.
const webSsoAuthType = 'v3websso';

function toIdentityVersion(
  value: string | number | undefined,
  authType: string | undefined,
): IdentityApiVersion | null {
  if (authType === 'v2password') return '2.0';
  if (authType === 'v3password' || authType === webSsoAuthType) return '3';
  if (authType && applicationCredentialAuthTypes.has(authType)) return '3';
  if (value === undefined) return null;
  const text = String(value);
  if (text === '3' || text === '3.0') return '3';
  if (text === '2' || text === '2.0') return '2.0';
  throw new CloudsConfigError(`identity_api_version must be 3 or 2.0, not ${text}`);
}

function definedOnly(defaults: Record<string, string | undefined>): CloudDefaults {
  return Object.fromEntries(
    Object.entries(defaults).filter(([, value]) => value !== undefined && value !== ''),
  );
}

export interface ParsedClouds {
  clouds: CloudConfig[];
  /** Entries we cannot use (another auth_type): named so the operator knows why a cloud is missing. */
  skipped: { name: string; reason: string }[];
}

export function parseCloudsYaml(text: string, source: string): ParsedClouds {
  let document: unknown;
  try {
    // The failsafe schema keeps every scalar a string: a project id like 0123 must not become 123.
    document = parseYaml(text, { schema: 'failsafe' });
  } catch (error) {
    throw new CloudsConfigError(`${source} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const file = cloudsFileSchema.safeParse(document);
  if (!file.success) throw new CloudsConfigError(`${source} has no "clouds:" mapping.`);

  const clouds: CloudConfig[] = [];
  const skipped: ParsedClouds['skipped'] = [];
  for (const [name, raw] of Object.entries(file.data.clouds)) {
    const entry = cloudEntrySchema.safeParse(raw);
    if (!entry.success) {
      const issue = entry.error.issues[0]!;
      throw new CloudsConfigError(
        `${source}: cloud "${name}": ${issue.path.join('.') || 'entry'}: ${issue.message}`,
      );
    }
    const cloud = entry.data;
    const isAppCredential =
      cloud.auth_type !== undefined && applicationCredentialAuthTypes.has(cloud.auth_type);
    const isWebSsoOnly = cloud.auth_type === webSsoAuthType;
    if (cloud.auth_type && !passwordAuthTypes.has(cloud.auth_type) && !isAppCredential && !isWebSsoOnly) {
      skipped.push({ name, reason: `auth_type ${cloud.auth_type} is not supported yet` });
      continue;
    }
    let version: IdentityApiVersion | null;
    let websso: WebSsoConfig | undefined;
    const identity = (() => {
      try {
        version = toIdentityVersion(cloud.identity_api_version, cloud.auth_type);
        const endpoint = resolveIdentityEndpoint(cloud.auth.auth_url, version);
        websso = readWebSso(cloud.auth, cloud.api_access?.websso, isWebSsoOnly, endpoint.version);
        return endpoint;
      } catch (error) {
        throw new CloudsConfigError(`${source}: cloud "${name}": ${(error as Error).message}`);
      }
    })();
    const regionList = [
      ...(Array.isArray(cloud.region_name)
        ? cloud.region_name
        : cloud.region_name
          ? [cloud.region_name]
          : []),
      ...(cloud.regions ?? []).map((region) => (typeof region === 'string' ? region : region.name)),
    ];
    const regions = [...new Set(regionList)];
    const auth = cloud.auth;
    const defaultInterface =
      cloud.interface ??
      (cloud.endpoint_type?.replace(/URL$/, '') as EndpointInterface | undefined) ??
      'public';
    clouds.push({
      name,
      authUrl: cloud.auth.auth_url,
      identity,
      authType: isWebSsoOnly ? 'websso' : isAppCredential ? 'application_credential' : 'password',
      ...(websso ? { websso } : {}),
      interface: defaultInterface,
      allowedInterfaces: [...new Set([defaultInterface, ...(cloud.api_access?.interfaces ?? [])])],
      regions,
      defaults: definedOnly({
        username: auth.username,
        userId: auth.user_id,
        userDomainName: auth.user_domain_name ?? auth.domain_name,
        userDomainId: auth.user_domain_id ?? auth.domain_id,
        projectId: auth.project_id ?? auth.tenant_id,
        projectName: auth.project_name ?? auth.tenant_name,
        projectDomainName: auth.project_domain_name,
        projectDomainId: auth.project_domain_id,
        regionName: regions[0],
        applicationCredentialId: isAppCredential ? auth.application_credential_id : undefined,
        applicationCredentialName: isAppCredential ? auth.application_credential_name : undefined,
      }),
    });
  }
  return { clouds, skipped };
}

export function findCloudsFile(candidates: readonly string[]): string | null {
  return candidates.find((candidate) => fs.existsSync(candidate)) ?? null;
}

export interface CloudRegistry {
  /** The clouds.yaml in use, or null (then the demo cloud may be the only cloud). */
  readonly source: string | null;
  list(): CloudConfig[];
  find(name: string): CloudConfig | undefined;
}

export function createCloudRegistry(clouds: CloudConfig[], source: string | null): CloudRegistry {
  const byName = new Map(clouds.map((cloud) => [cloud.name, cloud]));
  return { source, list: () => [...byName.values()], find: (name) => byName.get(name) };
}

export function loadCloudsFile(file: string): ParsedClouds {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CloudsConfigError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return parseCloudsYaml(text, file);
}

/**
 * The interfaces of the catalog a signed-in user may send the BFF to on this cloud. Keystone lists
 * internal and admin endpoints to anyone with a token
 * (https://docs.openstack.org/api-ref/identity/v3/#get-service-catalog), but a deployment that
 * publishes the BFF does not mean it to reach its internal network: only what clouds.yaml allows.
 */
export function allowedInterfacesOf(cloud: CloudConfig): EndpointInterface[] {
  return cloud.allowedInterfaces ?? [cloud.interface];
}

export function toCloudSummary(cloud: CloudConfig): CloudSummary {
  return {
    name: cloud.name,
    authUrl: cloud.authUrl,
    identityApiVersion: cloud.identity.version,
    interface: cloud.interface,
    interfaces: allowedInterfacesOf(cloud),
    regions: cloud.regions,
    defaults: cloud.defaults,
    authType: cloud.authType ?? 'password',
    ...(cloud.websso ? { websso: { label: cloud.websso.label } } : {}),
    ...(cloud.demo ? { demo: cloud.demo } : {}),
  };
}
