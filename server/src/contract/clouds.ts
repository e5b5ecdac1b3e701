import * as z from 'zod/mini';
import { endpointInterfaceSchema, identityApiVersionSchema } from './common.js';

/** What the login form may prefill from a `clouds.yaml` entry. Never a password. */
export const cloudDefaultsSchema = z.object({
  username: z.optional(z.string()),
  userId: z.optional(z.string()),
  userDomainName: z.optional(z.string()),
  userDomainId: z.optional(z.string()),
  projectId: z.optional(z.string()),
  projectName: z.optional(z.string()),
  projectDomainName: z.optional(z.string()),
  projectDomainId: z.optional(z.string()),
  regionName: z.optional(z.string()),
  /** From `auth_type: v3applicationcredential` entries (never their secret). */
  applicationCredentialId: z.optional(z.string()),
  applicationCredentialName: z.optional(z.string()),
});
export type CloudDefaults = z.infer<typeof cloudDefaultsSchema>;

export const cloudSummarySchema = z.object({
  name: z.string(),
  authUrl: z.string(),
  identityApiVersion: identityApiVersionSchema,
  interface: endpointInterfaceSchema,
  /**
   * The interfaces the BFF will call on this cloud (`interface` first, then those clouds.yaml
   * allows under `api_access.interfaces`); any other is refused with invalid_input. Optional:
   * absent from older servers, read it as `[interface]`.
   */
  interfaces: z.optional(z.array(endpointInterfaceSchema)),
  regions: z.array(z.string()),
  defaults: cloudDefaultsSchema,
  /**
   * How the operator signs in to this cloud: a password (possibly with a TOTP passcode), an
   * application credential (`auth_type: v3applicationcredential`), or only through the identity
   * provider (`auth_type: v3websso`). Optional: read absent as password.
   */
  authType: z.optional(z.enum(['password', 'application_credential', 'websso'])),
  /**
   * The cloud offers "Sign in with ‹label›": Keystone federation through the browser (WebSSO),
   * started by a navigation to GET /api/sso/{cloud}/start. With authType `websso` it is the only way in.
   */
  websso: z.optional(z.object({ label: z.string() })),
  /** Set for the built-in demo cloud only: its public demo credentials, shown on the login page. */
  demo: z.optional(z.object({ username: z.string(), password: z.string() })),
});
export type CloudSummary = z.infer<typeof cloudSummarySchema>;

export const cloudListSchema = z.object({ clouds: z.array(cloudSummarySchema) });
export type CloudList = z.infer<typeof cloudListSchema>;
