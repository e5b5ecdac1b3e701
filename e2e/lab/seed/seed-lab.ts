import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  labFactsFile,
  labFactsSchema,
  writeLabFacts,
  type LabFacts,
} from '../../../server/test/support/lab-facts.js';
import { issueToken, OpenStackCallError } from './call-openstack.js';
import { labApplicationCredentialName, seedApplicationCredential } from './seed-application-credential.js';
import { seedCatalog } from './seed-catalog.js';
import { seedDefaultCostHash } from './seed-default-cost-hash.js';
import { seedFederation } from './seed-federation.js';
import { labRegions, seedIdentity } from './seed-identity.js';
import { seedNetworks } from './seed-networks.js';
import { seedSecondFactor } from './seed-second-factor.js';
import { writeCloudsYaml, writeOpenrcFiles } from './write-client-files.js';

/**
 * The lab's data, over Keystone's and Neutron's REST APIs, then lab.json, clouds.yaml and the
 * openrc files. Run by e2e/lab/openstack-lab.sh once both services answer:
 *
 *   tsx e2e/lab/seed/seed-lab.ts
 *
 * With a valid lab.json and OSLAB_RESEED unset it only writes the current settings into lab.json
 * and rewrites the client files; otherwise it seeds (idempotent: a second run finds what exists).
 * Exit status: 0 done, 2 Keystone failed, 3 Neutron failed, 1 anything else (the script then shows
 * the matching service log).
 */

// Set by openstack-lab.sh, which validated the OSLAB_* settings and owns the URLs and passwords
// (it also needs them for `keystone-manage bootstrap` and neutron.conf). Never printed.
const environmentSchema = z.object({
  OSLAB_DIR: z.string().min(1),
  OSLAB_RESEED: z.enum(['0', '1']).default('0'),
  OSLAB_TOKEN_EXPIRATION: z.coerce.number().int().positive(),
  OSLAB_TOKEN_CACHE_TIME: z.coerce.number().int().nonnegative(),
  OSLAB_QUOTA_NETWORK: z.coerce.number().int().nonnegative(),
  LAB_KEYSTONE_URL: z.url(),
  LAB_NEUTRON_URL: z.url(),
  LAB_ADMIN_PASSWORD: z.string().min(1),
  LAB_DEMO_PASSWORD: z.string().min(1),
  LAB_NEUTRON_PASSWORD: z.string().min(1),
  LAB_MFA_PASSWORD: z.string().min(1),
  // Defaulted: a lab script from before the domain admin does not hand it over.
  LAB_DOMAIN_ADMIN_PASSWORD: z.string().min(1).default('domain-admin-pass'),
  // The federation (e2e/lab/federation-lab.sh); '0' (or a script from before it): none in lab.json.
  LAB_FEDERATION: z.enum(['0', '1']).default('0'),
  // '1' when the federation's Keystone database was just created: its ids in lab.json are stale.
  LAB_FED_RESEED: z.enum(['0', '1']).default('0'),
  LAB_FED_KEYSTONE_URL: z.url().optional(),
  LAB_FED_IDP_URL: z.url().optional(),
  LAB_FED_TRUSTED_DASHBOARDS: z.string().optional(),
  LAB_FED_CLI_CLIENT_SECRET: z.string().optional(),
  LAB_COST12_PASSWORD: z.string().min(1).default('demo-cost12-pass'),
});
type SeedEnvironment = z.infer<typeof environmentSchema>;

function log(message: string) {
  console.log(`lab: ${message}`);
}

function secondsSince(start: number): string {
  return `${((performance.now() - start) / 1000).toFixed(1)}s`;
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await work();
  log(`${label} (${secondsSince(start)})`);
  return result;
}

function settingsOf(env: SeedEnvironment) {
  return {
    tokenExpirationSeconds: env.OSLAB_TOKEN_EXPIRATION,
    neutronTokenCacheSeconds: env.OSLAB_TOKEN_CACHE_TIME,
    networkQuota: env.OSLAB_QUOTA_NETWORK,
  };
}

/** The previous lab.json, if it is there and valid; a missing or outdated one means a full seed. */
function readPreviousFacts(dir: string): LabFacts | undefined {
  const file = labFactsFile(dir);
  if (!fs.existsSync(file)) return undefined;
  let parsed: ReturnType<typeof labFactsSchema.safeParse>;
  try {
    parsed = labFactsSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch (error) {
    log(`${file} is not JSON (${(error as Error).message}): seeding again`);
    return undefined;
  }
  if (parsed.success) return parsed.data;
  // The issue names the field, never its value (lab.json holds passwords).
  const issue = parsed.error.issues[0];
  log(`${file} does not match the schema (${issue?.path.join('.')}: ${issue?.message}): seeding again`);
  return undefined;
}

/** demo's application credential as an earlier run recorded it, even in an outdated lab.json. */
function readKeptApplicationCredential(dir: string) {
  try {
    const raw = JSON.parse(fs.readFileSync(labFactsFile(dir), 'utf8')) as unknown;
    const kept = z
      .object({
        applicationCredentials: z.object({ demo: z.object({ id: z.string(), secret: z.string() }) }),
      })
      .safeParse(raw);
    return kept.success ? kept.data.applicationCredentials.demo : undefined;
  } catch {
    return undefined;
  }
}

/** The federation's settings from the script, or undefined when OSLAB_FEDERATION=0. */
function federationSettingsOf(env: SeedEnvironment) {
  if (env.LAB_FEDERATION === '0') return undefined;
  const settings = z
    .object({
      keystoneUrl: z.url(),
      idpUrl: z.url(),
      trustedDashboards: z.array(z.url()).min(1),
      cliClientSecret: z.string().min(1),
    })
    .parse({
      keystoneUrl: env.LAB_FED_KEYSTONE_URL,
      idpUrl: env.LAB_FED_IDP_URL,
      trustedDashboards: env.LAB_FED_TRUSTED_DASHBOARDS?.split(',').filter((url) => url !== ''),
      cliClientSecret: env.LAB_FED_CLI_CLIENT_SECRET,
    });
  return settings;
}

/** lab.json's `federation`: seeded when new (or its Keystone is), else the kept one with the settings. */
async function federationFacts(env: SeedEnvironment, previous: LabFacts | undefined) {
  const settings = federationSettingsOf(env);
  if (!settings) return undefined;
  const kept = previous?.federation;
  if (kept && env.LAB_FED_RESEED === '0' && env.OSLAB_RESEED === '0') {
    return {
      ...kept,
      trustedDashboards: settings.trustedDashboards,
      cliClient: { ...kept.cliClient, secret: settings.cliClientSecret },
    };
  }
  return timed('federation (domain, groups, projects, identity provider, mapping, protocol)', () =>
    seedFederation({ ...settings, adminPassword: env.LAB_ADMIN_PASSWORD }),
  );
}

async function seedEverything(env: SeedEnvironment, dir: string): Promise<LabFacts> {
  const keystoneUrl = env.LAB_KEYSTONE_URL;
  const neutronUrl = env.LAB_NEUTRON_URL;
  const passwords = {
    admin: env.LAB_ADMIN_PASSWORD,
    demo: env.LAB_DEMO_PASSWORD,
    neutron: env.LAB_NEUTRON_PASSWORD,
    mfa: env.LAB_MFA_PASSWORD,
    'domain-admin': env.LAB_DOMAIN_ADMIN_PASSWORD,
    'demo-cost12': env.LAB_COST12_PASSWORD,
  };
  const start = performance.now();
  const adminToken = await issueToken(keystoneUrl, {
    user: 'admin',
    password: passwords.admin,
    project: 'admin',
  });
  const ids = await timed('identity data (regions, projects, users, roles)', () =>
    seedIdentity(keystoneUrl, adminToken, passwords),
  );
  await timed("demo-cost12's password hash at bcrypt cost 12", async () =>
    log(`  ${seedDefaultCostHash(dir, ids.users['demo-cost12'], passwords['demo-cost12'])}`),
  );

  // Independent of each other from here on: the catalog and mfa's second factor at Keystone, and
  // the networks at Neutron (whose own Keystone calls interleave with the endpoint creates).
  const [, totpSecret, { networks, applicationCredential }] = await Promise.all([
    timed('catalog (5 services, 30 endpoints)', () => seedCatalog(keystoneUrl, neutronUrl, adminToken)),
    timed("mfa's second factor (TOTP credential, MFA rules)", () =>
      seedSecondFactor(keystoneUrl, adminToken, ids.users.mfa),
    ),
    (async () => {
      const demoToken = await issueToken(keystoneUrl, {
        user: 'demo',
        password: passwords.demo,
        project: 'demo',
      });
      const [networks, applicationCredential] = await Promise.all([
        timed('network data (public, demo-net-1..3, demo-router)', () =>
          seedNetworks({
            neutronUrl,
            adminToken,
            demoToken,
            adminProjectId: ids.projects.admin,
            demoProjectId: ids.projects.demo,
          }),
        ),
        timed("demo's application credential", () =>
          seedApplicationCredential({
            keystoneUrl,
            demoToken,
            demoUserId: ids.users.demo,
            kept: readKeptApplicationCredential(dir),
          }),
        ),
      ]);
      return { networks, applicationCredential };
    })(),
  ]);
  log(`seeded in ${secondsSince(start)}`);

  const user = (name: 'demo' | 'admin' | 'mfa' | 'domain-admin' | 'demo-cost12') => ({
    id: ids.users[name],
    name,
    password: passwords[name],
    domainId: 'default',
  });
  return {
    keystoneUrl,
    neutronUrl,
    cloudsYaml: path.join(dir, 'clouds.yaml'),
    users: {
      demo: user('demo'),
      admin: user('admin'),
      mfa: { ...user('mfa'), totpSecret },
      domainAdmin: user('domain-admin'),
      cost12: user('demo-cost12'),
    },
    applicationCredentials: {
      demo: { ...applicationCredential, name: labApplicationCredentialName, projectId: ids.projects.demo },
    },
    projects: {
      demo: { id: ids.projects.demo, name: 'demo' },
      other: { id: ids.projects.other, name: 'other' },
      admin: { id: ids.projects.admin, name: 'admin' },
    },
    regions: [...labRegions],
    networks,
    ...settingsOf(env),
  };
}

async function main() {
  const env = environmentSchema.parse(process.env);
  const dir = path.resolve(env.OSLAB_DIR);
  const previous = readPreviousFacts(dir);
  // The two Keystones are independent: the federation's seeding runs beside the main one.
  const [main, federation] = await Promise.all([
    previous && env.OSLAB_RESEED === '0'
      ? // The settings follow the config of the running services (openstack-lab.sh restarts a
        // service whose config changed); the data is there already.
        { ...previous, ...settingsOf(env) }
      : seedEverything(env, dir),
    federationFacts(env, previous),
  ]);
  const { federation: _previousFederation, ...rest } = main;
  const facts: LabFacts = federation ? { ...rest, federation } : rest;
  writeLabFacts(dir, facts);
  // After lab.json: clouds.yaml names the application credential that lab.json records.
  writeCloudsYaml(facts);
  writeOpenrcFiles(dir, facts);
}

main().catch((error: unknown) => {
  console.error(`lab: FAILED: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof OpenStackCallError) {
    process.exitCode = { keystone: 2, neutron: 3, federation: 4 }[error.service];
  } else process.exitCode = 1;
});
