import { z } from 'zod';
import { endpointInterfaceSchema, identityApiVersionSchema } from './common.js';

/** What the login form may prefill from a `clouds.yaml` entry. Never a password. */
export const cloudDefaultsSchema = z.object({
  username: z.string().optional(),
  userId: z.string().optional(),
  userDomainName: z.string().optional(),
  userDomainId: z.string().optional(),
  projectId: z.string().optional(),
  projectName: z.string().optional(),
  projectDomainName: z.string().optional(),
  projectDomainId: z.string().optional(),
  regionName: z.string().optional(),
  /** From `auth_type: v3applicationcredential` entries (never their secret). */
  applicationCredentialId: z.string().optional(),
  applicationCredentialName: z.string().optional(),
});
export type CloudDefaults = z.infer<typeof cloudDefaultsSchema>;

export const cloudSummarySchema = z.object({
  name: z.string(),
  authUrl: z.string(),
  identityApiVersion: identityApiVersionSchema,
  interface: endpointInterfaceSchema,
  regions: z.array(z.string()),
  defaults: cloudDefaultsSchema,
  /**
   * How the operator signs in to this cloud: a password (possibly with a TOTP passcode), or an
   * application credential (`auth_type: v3applicationcredential`). Optional: read absent as password.
   */
  authType: z.enum(['password', 'application_credential']).optional(),
  /** Set for the built-in demo cloud only: its public demo credentials, shown on the login page. */
  demo: z.object({ username: z.string(), password: z.string() }).optional(),
});
export type CloudSummary = z.infer<typeof cloudSummarySchema>;

export const cloudListSchema = z.object({ clouds: z.array(cloudSummarySchema) });
export type CloudList = z.infer<typeof cloudListSchema>;
