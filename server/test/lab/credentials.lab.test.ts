import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ApplicationCredentialList,
  CreatedApplicationCredential,
  CreatedEc2Credential,
  Ec2CredentialList,
} from '../../src/contract/credentials.js';
import { startDemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession } from '../support/api-session.js';
import { askEc2Tokens, signEc2RequestV2 } from '../support/ec2-signature.js';
import { readLabFacts } from '../support/lab-facts.js';
import { labClouds, listNetworksAtNeutron } from '../support/lab.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { expectSecretsNowhere } from '../support/expect-secrets-nowhere.js';

/**
 * Issue 14 against the real Keystone 22 + Neutron 21: application credentials and EC2 credentials
 * created through the BFF work at Keystone, are what Keystone stores, stop working once deleted
 * through the BFF, and their secrets reach no log, no session record and no later answer.
 */
let app: TestApp;
const lab = readLabFacts();
const demo = lab.users.demo!;
const admin = lab.users.admin!;
const keystone = lab.keystoneUrl;
const secrets: string[] = [];
const laterAnswers: string[] = [];

beforeAll(async () => {
  app = await startTestApp(labClouds(), { logLevel: 'trace' });
});
afterAll(async () => app.close());

async function signIn(body: Record<string, unknown> = { password: demo.password }) {
  const api = new ApiSession(app.url);
  const answer = await api.post('/api/session', { cloud: 'lab', ...body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return api;
}

async function keystoneToken(auth: unknown): Promise<{ status: number; token: string | null; body: any }> {
  const response = await fetch(`${keystone}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ auth }),
  });
  return {
    status: response.status,
    token: response.headers.get('x-subject-token'),
    body: await response.json(),
  };
}

async function appCredentialToken(id: string, secret: string) {
  return keystoneToken({
    identity: { methods: ['application_credential'], application_credential: { id, secret } },
  });
}

async function adminToken(): Promise<string> {
  const answer = await keystoneToken({
    identity: {
      methods: ['password'],
      password: { user: { name: admin.name, domain: { id: 'default' }, password: admin.password } },
    },
    scope: { project: { name: 'admin', domain: { id: 'default' } } },
  });
  expect(answer.status).toBe(201);
  return answer.token!;
}

const unique = () => `ci-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

describe('application credentials on the real Keystone', () => {
  it('creates one with the asked expiry and roles, which Keystone stores, signs in with it, then deletes it', async () => {
    const api = await signIn();
    const name = unique();
    const expiresAt = new Date(Date.now() + 2 * 86_400_000);
    expiresAt.setUTCMilliseconds(0);
    const created = await api.post<CreatedApplicationCredential>('/api/application-credentials', {
      name,
      description: 'made by credentials.lab.test.ts',
      expiresAt: expiresAt.toISOString(),
      roles: ['reader'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const credential = created.body;
    secrets.push(credential.secret);
    expect(credential).toMatchObject({
      name,
      description: 'made by credentials.lab.test.ts',
      projectId: lab.projects.demo!.id,
      expiresAt: expiresAt.toISOString(),
      unrestricted: false,
      accessRules: [],
    });
    expect(credential.roles.map((role) => role.name)).toEqual(['reader']);

    // What Keystone itself stores.
    const token = (await api.get('/api/token/secret')).body.token as string;
    const stored = await fetch(`${keystone}/v3/users/${demo.id}/application_credentials/${credential.id}`, {
      headers: { 'X-Auth-Token': token },
    });
    const body = (await stored.json()) as any;
    expect(stored.status).toBe(200);
    expect(new Date(`${body.application_credential.expires_at}Z`).toISOString()).toBe(
      expiresAt.toISOString(),
    );
    expect(body.application_credential.roles.map((role: any) => role.name)).toEqual(['reader']);
    expect(body.application_credential.project_id).toBe(lab.projects.demo!.id);

    // The list shows it, without its secret.
    const list = await api.get<ApplicationCredentialList>('/api/application-credentials');
    expect(list.status).toBe(200);
    expect(list.body.unavailable).toBeNull();
    expect(list.body.creationBlocked).toBeNull();
    expect(list.body.applicationCredentials.find((item) => item.id === credential.id)).toMatchObject({
      name,
    });
    laterAnswers.push(JSON.stringify(list.body));

    // Keystone takes it, and its token lists the project's networks at Neutron.
    const issued = await appCredentialToken(credential.id, credential.secret);
    expect(issued.status).toBe(201);
    expect(issued.body.token.roles.map((role: any) => role.name)).toEqual(['reader']);
    const networks = await listNetworksAtNeutron(issued.token!);
    expect(networks.map((network) => network.name)).toContain('demo-net-1');

    // It signs in to the dashboard, as a restricted application credential.
    const viaCredential = await signIn({
      applicationCredentialId: credential.id,
      applicationCredentialSecret: credential.secret,
    });
    const blocked = await viaCredential.get<ApplicationCredentialList>('/api/application-credentials');
    expect(blocked.body.creationBlocked?.reason).toBe('restricted_application_credential');
    const refused = await viaCredential.post('/api/application-credentials', { name: unique() });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    laterAnswers.push(
      JSON.stringify(blocked.body),
      JSON.stringify((await viaCredential.get('/api/token')).body),
    );
    laterAnswers.push(JSON.stringify((await viaCredential.get('/api/session')).body));

    // Deleted through the BFF: Keystone refuses it from then on.
    expect((await api.delete(`/api/application-credentials/${credential.id}`)).status).toBe(204);
    // Keystone 22 answers an application credential it no longer knows with 404 (not 401).
    expect([401, 404]).toContain((await appCredentialToken(credential.id, credential.secret)).status);
    const signInAfter = await new ApiSession(app.url).post('/api/session', {
      cloud: 'lab',
      applicationCredentialId: credential.id,
      applicationCredentialSecret: credential.secret,
    });
    expect(signInAfter.status).toBe(401);
    expect(signInAfter.body.error.code).toBe('invalid_credentials');
    const again = await api.delete(`/api/application-credentials/${credential.id}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('not_found');
  });

  it('creates an unrestricted one with an own secret and access rules, as Keystone stores them', async () => {
    const api = await signIn();
    const secret = `own-secret-${unique()}`;
    const created = await api.post<CreatedApplicationCredential>('/api/application-credentials', {
      name: unique(),
      secret,
      unrestricted: true,
      accessRules: [{ service: 'network', method: 'GET', path: '/v2.0/networks' }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    secrets.push(secret);
    expect(created.body.secret).toBe(secret);
    expect(created.body.unrestricted).toBe(true);
    expect(created.body.expiresAt).toBeNull();
    expect(created.body.accessRules).toEqual([{ service: 'network', method: 'GET', path: '/v2.0/networks' }]);
    expect(created.body.roles.map((role) => role.name).sort()).toEqual(['member', 'reader']);
    expect((await api.delete(`/api/application-credentials/${created.body.id}`)).status).toBe(204);
  });

  it('answers malformed input, roles the token lacks and a past expiry with 400 naming the field', async () => {
    const api = await signIn();
    const cases: [unknown, string][] = [
      [{}, 'name'],
      [{ name: 'x', roles: ['admin'] }, 'roles'],
      [{ name: 'x', expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
      [{ name: 'x', expiresAt: 'tomorrow' }, 'expiresAt'],
      [
        { name: 'x', accessRules: [{ service: 'network', method: 'FETCH', path: '/' }] },
        'accessRules.0.method',
      ],
      [{ name: 'x', unexpected: true }, 'unexpected'],
    ];
    for (const [body, field] of cases) {
      const answer = await api.post('/api/application-credentials', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('invalid_input');
      expect(Object.keys(answer.body.error.fields ?? {}), JSON.stringify(answer.body)).toContain(field);
    }
    expect((await api.delete('/api/application-credentials/not%20an%20id')).status).toBe(400);
  });
});

describe('EC2 credentials on the real Keystone', () => {
  it('creates one that Keystone accepts for a signed request (a wrong signature refused), then deletes it', async () => {
    const api = await signIn();
    const created = await api.post<CreatedEc2Credential>('/api/ec2-credentials', {});
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { access, secret, projectId } = created.body;
    secrets.push(secret);
    expect(projectId).toBe(lab.projects.demo!.id);

    const list = await api.get<Ec2CredentialList>('/api/ec2-credentials');
    expect(list.body.unavailable).toBeNull();
    expect(list.body.ec2Credentials).toContainEqual({ access, projectId });
    laterAnswers.push(JSON.stringify(list.body));

    const adminAuth = await adminToken();
    const host = new URL(keystone).host;
    const signed = signEc2RequestV2(access, secret, { host });
    const accepted = await askEc2Tokens(keystone, adminAuth, signed);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.token.project.id).toBe(lab.projects.demo!.id);
    expect(accepted.body.token.user.id).toBe(demo.id);

    const wrong = await askEc2Tokens(keystone, adminAuth, {
      ...signed,
      signature: signEc2RequestV2(access, `${secret}x`, { host }).signature,
    });
    expect(wrong.status).toBe(401);

    expect((await api.delete(`/api/ec2-credentials/${access}`)).status).toBe(204);
    const afterDelete = await askEc2Tokens(keystone, adminAuth, signEc2RequestV2(access, secret, { host }));
    expect(afterDelete.status).not.toBe(200);
    expect([401, 404]).toContain(afterDelete.status);
    expect((await api.get<Ec2CredentialList>('/api/ec2-credentials')).body.ec2Credentials).not.toContainEqual(
      {
        access,
        projectId,
      },
    );
    expect((await api.delete(`/api/ec2-credentials/${access}`)).status).toBe(404);
  });
});

describe('the secrets', () => {
  it('appear in no log, no session record and no answer after their creation', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    expectSecretsNowhere(app, secrets, laterAnswers);
  });
});

describe('the demo cloud answers these APIs like Keystone 22', () => {
  it('has the same fields in the application credential and EC2 credential bodies, listed and created', async () => {
    const demoCloud = await startDemoCloud({ profile: 'default' });
    try {
      const targets = [
        { url: `${keystone}/v3`, userId: demo.id, password: demo.password, project: 'demo' },
        {
          url: `${demoCloud.url}/v3`,
          userId: demoCloud.credentials.userId,
          password: demoCloud.credentials.password,
          project: demoCloud.credentials.projectName,
        },
      ];
      const shapes = [];
      for (const target of targets) {
        const tokenAnswer = await fetch(`${target.url}/auth/tokens`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            auth: {
              identity: {
                methods: ['password'],
                password: { user: { id: target.userId, password: target.password } },
              },
              scope: { project: { name: target.project, domain: { id: 'default' } } },
            },
          }),
        });
        expect(tokenAnswer.status).toBe(201);
        const headers = {
          'X-Auth-Token': tokenAnswer.headers.get('x-subject-token')!,
          'Content-Type': 'application/json',
        };
        const base = `${target.url}/users/${target.userId}`;
        const created = await fetch(`${base}/application_credentials`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            application_credential: {
              name: unique(),
              expires_at: '2031-01-01T00:00:00',
              roles: [{ name: 'reader' }],
            },
          }),
        });
        const app = ((await created.json()) as any).application_credential;
        const listed = (await (await fetch(`${base}/application_credentials`, { headers })).json()) as any;
        const projectId = target.url.startsWith(keystone)
          ? lab.projects.demo!.id
          : demoCloud.credentials.projectId;
        const ec2 = await fetch(`${base}/credentials/OS-EC2`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ tenant_id: projectId }),
        });
        const ec2Body = ((await ec2.json()) as any).credential;
        const ec2List = (await (await fetch(`${base}/credentials/OS-EC2`, { headers })).json()) as any;
        shapes.push({
          status: [created.status, ec2.status],
          created: Object.keys(app).sort(),
          expiresAt: app.expires_at,
          role: Object.keys(app.roles[0]).sort(),
          list: Object.keys(listed).sort(),
          listed: Object.keys(listed.application_credentials[0]).sort(),
          ec2: Object.keys(ec2Body).sort(),
          ec2List: Object.keys(ec2List).sort(),
          ec2Listed: Object.keys(ec2List.credentials[0]).sort(),
        });
        await fetch(`${base}/application_credentials/${app.id}`, { method: 'DELETE', headers });
        await fetch(`${base}/credentials/OS-EC2/${ec2Body.access}`, { method: 'DELETE', headers });
      }
      expect(shapes[1]).toEqual(shapes[0]);
    } finally {
      await demoCloud.close();
    }
  });
});
