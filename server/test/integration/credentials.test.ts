import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCloudConfig as toCloudConfig } from '../../src/config/demo-cloud-config.js';
import type {
  ApplicationCredentialList,
  CreatedApplicationCredential,
  CreatedEc2Credential,
  Ec2CredentialList,
} from '../../src/contract/credentials.js';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { expectSecretsNowhere } from '../support/expect-secrets-nowhere.js';

/**
 * Issue 14 against the demo cloud: both APIs on the default profile (v3, and EC2 on v2.0 too), each
 * vendor profile's answer, refusals as the section's reason, the token budget, an upstream 429,
 * and the secrets in no later answer, log or session record. The real Keystone: test/lab/credentials.lab.test.ts.
 */
let demo: DemoCloud;
let vk: DemoCloud;
let nhn: DemoCloud;
let app: TestApp;
const secrets: string[] = [];
const laterAnswers: string[] = [];

beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
  vk = await startDemoCloud({ profile: 'vk' });
  nhn = await startDemoCloud({ profile: 'nhn' });
  app = await startTestApp(
    [
      demoCloudConfig(demo, 'demo'),
      demoCloudConfig(demo, 'demo-appcred', { as: 'application-credential' }),
      toCloudConfig({ ...demo, identityApiVersion: '2.0', authUrl: `${demo.url}/v2.0` }, { name: 'demo-v2' }),
      demoCloudConfig(vk, 'vk'),
      demoCloudConfig(nhn, 'nhn'),
    ],
    { tokenCreationsPerMinute: 1000, logLevel: 'trace' },
  );
});
afterAll(async () => {
  await app.close();
  await Promise.all([demo.close(), vk.close(), nhn.close()]);
});

async function signIn(cloud: string, demoCloud: DemoCloud, body: Record<string, unknown> = {}) {
  const api = new ApiSession(app.url);
  const answer = await api.post('/api/session', { cloud, password: demoCloud.credentials.password, ...body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return api;
}

describe('application credentials on the demo cloud', () => {
  it('lists, creates (secret once), signs in with and deletes one on the default profile', async () => {
    const api = await signIn('demo', demo);
    const before = await api.get<ApplicationCredentialList>('/api/application-credentials');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ unavailable: null, creationBlocked: null });
    expect(before.body.applicationCredentials.map((item) => item.name)).toContain('api-access-demo');

    const expiresAt = new Date(Date.now() + 86_400_000);
    expiresAt.setUTCMilliseconds(0);
    const created = await api.post<CreatedApplicationCredential>('/api/application-credentials', {
      name: 'ci-job',
      description: 'nightly',
      expiresAt: expiresAt.toISOString(),
      roles: ['reader'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    secrets.push(created.body.secret);
    expect(created.body).toMatchObject({
      name: 'ci-job',
      description: 'nightly',
      projectId: demo.credentials.projectId,
      expiresAt: expiresAt.toISOString(),
      unrestricted: false,
    });
    expect(created.body.roles.map((role) => role.name)).toEqual(['reader']);

    const duplicate = await api.post('/api/application-credentials', { name: 'ci-job' });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error.fields).toEqual({ name: 'is already taken' });

    const list = await api.get<ApplicationCredentialList>('/api/application-credentials');
    laterAnswers.push(JSON.stringify(list.body));
    expect(list.body.applicationCredentials.find((item) => item.id === created.body.id)?.name).toBe('ci-job');

    const viaCredential = await signIn('demo', demo, {
      password: undefined,
      applicationCredentialId: created.body.id,
      applicationCredentialSecret: created.body.secret,
    });
    const blocked = await viaCredential.get<ApplicationCredentialList>('/api/application-credentials');
    expect(blocked.body.creationBlocked?.reason).toBe('restricted_application_credential');
    laterAnswers.push(
      JSON.stringify(blocked.body),
      JSON.stringify((await viaCredential.get('/api/token')).body),
    );

    expect((await api.delete(`/api/application-credentials/${created.body.id}`)).status).toBe(204);
    const refused = await new ApiSession(app.url).post('/api/session', {
      cloud: 'demo',
      applicationCredentialId: created.body.id,
      applicationCredentialSecret: created.body.secret,
    });
    expect(refused.body.error.code).toBe('invalid_credentials');
    expect((await api.delete(`/api/application-credentials/${created.body.id}`)).status).toBe(404);
  });

  it('a restricted application credential session is told why before Keystone is asked', async () => {
    const api = await signIn('demo-appcred', demo, {
      password: undefined,
      applicationCredentialSecret: demo.credentials.applicationCredential!.secret,
    });
    const list = await api.get<ApplicationCredentialList>('/api/application-credentials');
    expect(list.body.creationBlocked).toMatchObject({ reason: 'restricted_application_credential' });
    const requestsBefore = demo.stats.requests;
    const refused = await api.post('/api/application-credentials', { name: 'nope' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect(demo.stats.requests).toBe(requestsBefore);
  });

  it('says why where the cloud refuses: 403 on vk, v2.0 on nhn, 501 from a fault', async () => {
    const onVk = await signIn('vk', vk);
    const vkList = await onVk.get<ApplicationCredentialList>('/api/application-credentials');
    expect(vkList.status).toBe(200);
    expect(vkList.body.unavailable?.reason).toBe('forbidden');
    const vkCreate = await onVk.post('/api/application-credentials', { name: 'x' });
    expect(vkCreate.status).toBe(403);
    expect((await onVk.get<Ec2CredentialList>('/api/ec2-credentials')).body.unavailable?.reason).toBe(
      'not_found',
    );

    const onNhn = await signIn('nhn', nhn);
    const nhnList = await onNhn.get<ApplicationCredentialList>('/api/application-credentials');
    expect(nhnList.body.unavailable?.reason).toBe('identity_v2');
    const nhnCreate = await onNhn.post('/api/application-credentials', { name: 'x' });
    expect(nhnCreate.status).toBe(400);
    expect(nhnCreate.body.error.fields).toHaveProperty('identityApiVersion');

    const api = await signIn('demo', demo);
    demo.setFault({ kind: 'status', status: 501 }, 'keystone');
    try {
      const list = await api.get<ApplicationCredentialList>('/api/application-credentials');
      expect(list.body.unavailable?.reason).toBe('not_implemented');
      expect((await api.get<Ec2CredentialList>('/api/ec2-credentials')).body.unavailable?.reason).toBe(
        'not_implemented',
      );
    } finally {
      demo.setFault(null);
    }
  });

  it('counts creations against the token budget, and an upstream 429 is our 429', async () => {
    const budgeted = await startTestApp([demoCloudConfig(demo, 'demo')], { tokenCreationsPerMinute: 3 });
    try {
      const api = new ApiSession(budgeted.url);
      expect(
        (await api.post('/api/session', { cloud: 'demo', password: demo.credentials.password })).status,
      ).toBe(201);
      const first = await api.post<CreatedApplicationCredential>('/api/application-credentials', {
        name: 'b1',
      });
      expect(first.status).toBe(201);
      secrets.push(first.body.secret);
      const ec2 = await api.post<CreatedEc2Credential>('/api/ec2-credentials', {});
      expect(ec2.status).toBe(201);
      secrets.push(ec2.body.secret);
      const over = await api.post('/api/application-credentials', { name: 'b2' });
      expect(over.status).toBe(429);
      expect(over.body.error.code).toBe('rate_limited');
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      const names = (
        await api.get<ApplicationCredentialList>('/api/application-credentials')
      ).body.applicationCredentials.map((item) => item.name);
      expect(names).not.toContain('b2');
      await api.delete(`/api/application-credentials/${first.body.id}`);
      await api.delete(`/api/ec2-credentials/${ec2.body.access}`);
    } finally {
      await budgeted.close();
    }

    const api = await signIn('demo', demo);
    demo.setFault({ kind: 'rate-limit', retryAfterSeconds: 7 }, 'keystone');
    try {
      const limited = await api.post('/api/ec2-credentials', {});
      expect(limited.status).toBe(429);
      expect(limited.body.error).toMatchObject({ code: 'rate_limited', retryAfter: 7 });
    } finally {
      demo.setFault(null);
    }
  });

  it('answers malformed input with 400 and a readable message', async () => {
    const api = await signIn('demo', demo);
    const bad = [
      ['/api/application-credentials', { name: '' }],
      ['/api/application-credentials', { name: 'x', roles: [] }],
      ['/api/application-credentials', { name: 'x', secret: 'short' }],
      [
        '/api/application-credentials',
        { name: 'x', accessRules: [{ service: 'network', method: 'GET', path: 'v2.0' }] },
      ],
      ['/api/application-credentials', { name: 'x', unrestricted: 'yes' }],
      ['/api/ec2-credentials', { tenant_id: 'other' }],
    ] as const;
    for (const [url, body] of bad) {
      const answer = await api.post(url, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('invalid_input');
      expect(answer.body.error.message).toMatch(/^Invalid /);
    }
    expect((await api.delete('/api/ec2-credentials/..%2F..')).status).toBe(400);
  });
});

describe('EC2 credentials on the demo cloud', () => {
  for (const [cloud, label] of [
    ['demo', 'v3 on the default profile'],
    ['demo-v2', 'v2.0 on the default profile'],
    ['nhn', 'v2.0 on the nhn profile'],
  ] as const) {
    it(`lists without secrets, creates and deletes: ${label}`, async () => {
      const demoCloud = cloud === 'nhn' ? nhn : demo;
      const api = await signIn(cloud, demoCloud);
      const created = await api.post<CreatedEc2Credential>('/api/ec2-credentials', {});
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      secrets.push(created.body.secret);
      expect(created.body.projectId).toBe(demoCloud.credentials.projectId);
      const list = await api.get<Ec2CredentialList>('/api/ec2-credentials');
      expect(list.body.unavailable).toBeNull();
      expect(list.body.ec2Credentials).toContainEqual({
        access: created.body.access,
        projectId: created.body.projectId,
      });
      laterAnswers.push(JSON.stringify(list.body));
      expect((await api.delete(`/api/ec2-credentials/${created.body.access}`)).status).toBe(204);
      expect((await api.get<Ec2CredentialList>('/api/ec2-credentials')).body.ec2Credentials).toEqual([]);
      expect((await api.delete(`/api/ec2-credentials/${created.body.access}`)).status).toBe(404);
    });
  }
});

describe('the secrets', () => {
  it('appear in no log, no session record and no later answer', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    expectSecretsNowhere(app, secrets, laterAnswers);
  });
});
