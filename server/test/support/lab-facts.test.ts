import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readLabFacts, writeLabFacts, type LabFacts } from './lab-facts.js';

/** The shape the lab's seed writes (e2e/lab/seed/seed-lab.ts), with made-up ids and secrets. */
function someLabFacts(dir: string): LabFacts {
  const user = (name: string) => ({ id: `${name}-id`, name, password: `${name}-pass`, domainId: 'default' });
  return {
    keystoneUrl: 'http://127.0.0.1:5000',
    neutronUrl: 'http://127.0.0.1:9696',
    cloudsYaml: path.join(dir, 'clouds.yaml'),
    users: {
      demo: user('demo'),
      admin: user('admin'),
      mfa: { ...user('mfa'), totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
      domainAdmin: user('domain-admin'),
      cost12: user('demo-cost12'),
    },
    applicationCredentials: {
      demo: { id: 'appcred-id', name: 'api-access-lab', secret: 'appcred-secret', projectId: 'demo-project' },
    },
    projects: {
      demo: { id: 'demo-project', name: 'demo' },
      other: { id: 'other-project', name: 'other' },
      admin: { id: 'admin-project', name: 'admin' },
    },
    regions: ['RegionOne', 'RegionTwo'],
    networks: { public: 'n0', 'demo-net-1': 'n1', 'demo-net-2': 'n2', 'demo-net-3': 'n3' },
    tokenExpirationSeconds: 3600,
    neutronTokenCacheSeconds: 300,
    networkQuota: 100,
  };
}

describe('lab.json (lab-facts)', () => {
  const dirs: string[] = [];
  const makeDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-facts-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads back what the seed writes, in a file only its owner may read', () => {
    const dir = makeDir();
    const facts = someLabFacts(dir);
    writeLabFacts(dir, facts);
    expect(readLabFacts(dir)).toEqual(facts);
    expect(fs.statSync(path.join(dir, 'lab.json')).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(dir, 'lab.json.tmp'))).toBe(false);
  });

  it('reads back the federation the seed writes when OSLAB_FEDERATION is on', () => {
    const dir = makeDir();
    const fedUser = (name: string, groups: string[], projects: string[]) => ({
      name,
      password: `${name}-pass`,
      groups,
      projects,
    });
    const facts: LabFacts = {
      ...someLabFacts(dir),
      federation: {
        keystoneUrl: 'http://127.0.0.1:5100',
        idpUrl: 'http://127.0.0.1:5101',
        identityProvider: 'labidp',
        protocol: 'openid',
        cloud: 'lab-sso',
        trustedDashboards: ['http://127.0.0.1:8181/api/sso/callback'],
        cliClient: { id: 'openstack-cli', secret: 'cli-secret' },
        users: {
          alice: fedUser('alice', ['cloud-users'], ['fed-demo']),
          bob: fedUser('bob', ['cloud-users', 'cloud-ops'], ['fed-demo', 'fed-ops']),
          carol: fedUser('carol', ['contractors'], []),
        },
        projects: {
          'fed-demo': { id: 'fed-demo-id', name: 'fed-demo' },
          'fed-ops': { id: 'fed-ops-id', name: 'fed-ops' },
        },
      },
    };
    writeLabFacts(dir, facts);
    expect(readLabFacts(dir)).toEqual(facts);
    // Without the federation (OSLAB_FEDERATION=0) the file is valid too.
    writeLabFacts(dir, someLabFacts(dir));
    expect(readLabFacts(dir).federation).toBeUndefined();
  });

  it('names the missing field of an outdated file and how to rewrite it, never a value', () => {
    const dir = makeDir();
    const { networks: _networks, ...outdated } = someLabFacts(dir);
    fs.writeFileSync(path.join(dir, 'lab.json'), JSON.stringify(outdated));
    expect(() => readLabFacts(dir)).toThrow(/networks[\s\S]*OSLAB_RESEED=1 npm run lab -- start/);
    expect(() => readLabFacts(dir)).not.toThrow(/demo-pass|appcred-secret/);
  });

  it('says how to start the lab when there is none', () => {
    expect(() => readLabFacts(path.join(makeDir(), 'nothing'))).toThrow(/npm run lab -- start/);
  });

  it('refuses to write facts that do not match the schema', () => {
    const dir = makeDir();
    const facts = someLabFacts(dir);
    expect(() => writeLabFacts(dir, { ...facts, tokenExpirationSeconds: 0 })).toThrow();
    expect(fs.existsSync(path.join(dir, 'lab.json'))).toBe(false);
  });
});
