import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The one schema of `$OSLAB_DIR/lab.json`: the facts about the running lab that tests need (ids,
 * passwords, secrets, settings). The lab's seed (e2e/lab/seed/seed-lab.ts) writes it through
 * writeLabFacts; e2e (e2e/fixtures.ts) and the BFF's lab tests (server/test/support/lab.ts) read it
 * through readLabFacts. Shape and meaning of each field: e2e/lab/README.md.
 *
 * It lives under server/ because server/tsconfig.json's rootDir is server/: the server program may
 * not import a file outside it, while e2e's may. Imports only node and zod, so the seed (run by tsx)
 * pulls in nothing of the BFF.
 */

/** Where the lab lives unless OSLAB_DIR says otherwise (the same default as openstack-lab.sh). */
export const defaultLabDir = '/tmp/api-access-lab';

export function resolveLabDir(dir: string | undefined = process.env.OSLAB_DIR): string {
  return path.resolve(dir ?? defaultLabDir);
}

const idSchema = z.string().min(1);

const totpSecretSchema = z.string().regex(/^[A-Z2-7]{16,}$/, 'base32, no padding');

const labUserSchema = z.object({
  id: idSchema,
  name: z.string().min(1),
  password: z.string().min(1),
  domainId: z.string().min(1),
  /** Only for a user with a second factor: the base32 secret of its TOTP credential. */
  totpSecret: totpSecretSchema.optional(),
});

const labProjectSchema = z.object({ id: idSchema, name: z.string().min(1) });

const applicationCredentialSchema = z.object({
  id: idSchema,
  name: z.string().min(1),
  /** Keystone shows it once, when the credential is created; the seed keeps it here. */
  secret: z.string().min(1),
  projectId: idSchema,
});

/** A user of the federation's IdP (lab only): what it signs in with and what Keystone's mapping gives it. */
const federationUserSchema = z.object({
  name: z.string().min(1),
  password: z.string().min(1),
  /** The IdP's `groups` claim. */
  groups: z.array(z.string().min(1)),
  /** Names of the projects the mapping's groups give (GET /v3/auth/projects); empty: Keystone refuses it. */
  projects: z.array(z.string().min(1)),
});

/**
 * The federation (e2e/lab/federation-lab.sh): a second Keystone behind Apache + mod_auth_openidc,
 * federated with the lab's OpenID Connect provider. Absent when the lab runs with OSLAB_FEDERATION=0.
 */
export const labFederationSchema = z.object({
  /** The federation's Keystone, without /v3: http://127.0.0.1:5100. */
  keystoneUrl: z.url(),
  /** The IdP's issuer: http://127.0.0.1:5101. */
  idpUrl: z.url(),
  /** Keystone's identity provider id (`labidp`) and protocol id (`openid`), as in the federation URLs. */
  identityProvider: z.string().min(1),
  protocol: z.string().min(1),
  /** Its entry in clouds.yaml (`lab-sso`, auth_type v3websso). */
  cloud: z.string().min(1),
  /** Keystone's `[federation] trusted_dashboard` values (OSLAB_TRUSTED_DASHBOARDS). */
  trustedDashboards: z.array(z.url()).min(1),
  /** The IdP client allowed the password grant (ROPC, lab only): tokens without a browser. */
  cliClient: z.object({ id: z.string().min(1), secret: z.string().min(1) }),
  users: z.object({
    /** groups [cloud-users] -> project fed-demo. */
    alice: federationUserSchema,
    /** groups [cloud-users, cloud-ops] -> projects fed-demo and fed-ops. */
    bob: federationUserSchema,
    /** a group no mapping rule knows: Keystone answers 401. */
    carol: federationUserSchema,
  }),
  projects: z.object({ 'fed-demo': labProjectSchema, 'fed-ops': labProjectSchema }),
});

export type LabFederation = z.infer<typeof labFederationSchema>;

// The named keys are what the seed always creates; `catchall` keeps lookups by a computed name
// (`lab.projects[name]`) legal for the tests.
export const labFactsSchema = z.object({
  keystoneUrl: z.url(),
  neutronUrl: z.url(),
  cloudsYaml: z.string().min(1),
  users: z
    .object({
      demo: labUserSchema,
      admin: labUserSchema,
      /** Has a second factor: password AND a TOTP passcode (RFC 6238, SHA-1, 6 digits, 30 s). */
      mfa: labUserSchema.extend({ totpSecret: totpSecretSchema }),
      /** `domain-admin`: admin on domain Default and nothing else (its only scope is the domain). */
      domainAdmin: labUserSchema,
      /**
       * `demo-cost12`: member on demo like demo, whose stored password hash is bcrypt cost 12
       * (Keystone's default) while the lab hashes at cost 4: a login at Keystone's real cost.
       */
      cost12: labUserSchema,
    })
    .catchall(labUserSchema),
  applicationCredentials: z
    .object({ demo: applicationCredentialSchema })
    .catchall(applicationCredentialSchema),
  projects: z
    .object({ demo: labProjectSchema, other: labProjectSchema, admin: labProjectSchema })
    .catchall(labProjectSchema),
  regions: z.array(z.string().min(1)).min(1),
  /** Network name -> id. */
  networks: z
    .object({ public: idSchema, 'demo-net-1': idSchema, 'demo-net-2': idSchema, 'demo-net-3': idSchema })
    .catchall(idSchema),
  /** Keystone `[token] expiration` (OSLAB_TOKEN_EXPIRATION). */
  tokenExpirationSeconds: z.number().int().positive(),
  /** Neutron `keystone_authtoken.token_cache_time` (OSLAB_TOKEN_CACHE_TIME). */
  neutronTokenCacheSeconds: z.number().int().nonnegative(),
  /** Neutron `[quotas] quota_network` (OSLAB_QUOTA_NETWORK). */
  networkQuota: z.number().int().nonnegative(),
  /** Absent with OSLAB_FEDERATION=0. */
  federation: labFederationSchema.optional(),
});

export type LabFacts = z.infer<typeof labFactsSchema>;

export function labFactsFile(dir?: string): string {
  return path.join(resolveLabDir(dir), 'lab.json');
}

/** The facts of the lab in `dir` (default: OSLAB_DIR or /tmp/api-access-lab); throws with the fix. */
export function readLabFacts(dir?: string): LabFacts {
  const file = labFactsFile(dir);
  if (!fs.existsSync(file)) {
    throw new Error(`The OpenStack lab is not running (no ${file}). Start it with: npm run lab -- start`);
  }
  const parsed = labFactsSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `${file} does not match the lab.json schema (server/test/support/lab-facts.ts):\n${z.prettifyError(parsed.error)}\n` +
        'Rewrite it with: OSLAB_RESEED=1 npm run lab -- start',
    );
  }
  return parsed.data;
}

/**
 * Validates and writes lab.json: mode 600 (it holds the lab's passwords and secrets), through a
 * temporary file and a rename so that a test reading it meanwhile never sees half a file.
 */
export function writeLabFacts(dir: string, facts: LabFacts): void {
  const file = labFactsFile(dir);
  const text = `${JSON.stringify(labFactsSchema.parse(facts), null, 2)}\n`;
  const temporary = `${file}.tmp`;
  fs.writeFileSync(temporary, text, { mode: 0o600 });
  fs.chmodSync(temporary, 0o600);
  fs.renameSync(temporary, file);
}
