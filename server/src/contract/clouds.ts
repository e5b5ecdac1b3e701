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
   * How the operator signs in to this cloud: a password (possibly with a TOTP passcode), or an
   * application credential (`auth_type: v3applicationcredential`). Optional: read absent as password.
   */
  authType: z.optional(z.enum(['password', 'application_credential'])),
  /** Set for the built-in demo cloud only: its public demo credentials, shown on the login page. */
  demo: z.optional(z.object({ username: z.string(), password: z.string() })),
});
export type CloudSummary = z.infer<typeof cloudSummarySchema>;

export const cloudListSchema = z.object({ clouds: z.array(cloudSummarySchema) });
export type CloudList = z.infer<typeof cloudListSchema>;
