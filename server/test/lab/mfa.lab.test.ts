import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudList } from '../../src/contract/clouds.js';
import type { SessionInfo } from '../../src/contract/session.js';
import type { TokenInfo } from '../../src/contract/token.js';
import { createSecretBox } from '../../src/platform/secret-box.js';
import { ApiSession } from '../support/api-session.js';
import { readLabFacts } from '../support/lab-facts.js';
import { isValidAtKeystone, labClouds } from '../support/lab.js';
import { startTestApp, testSecret, type TestApp } from '../support/test-app.js';
import { currentTotp, wrongTotp } from '../support/totp.js';
import type { PendingMfa } from '../../src/auth/auth-state.js';
import { MAX_PASSCODE_ATTEMPTS } from '../../src/features/second-factor/second-factor-service.js';

/**
 * Keystone v3 multi-factor sign-in (password, then TOTP with the auth receipt) and application
 * credentials, against the real Keystone 22 of the lab: user `mfa` (rules [["password","totp"]])
 * and demo's application credential `api-access-lab` (e2e/lab/README.md).
 */
const lab = readLabFacts();
const mfa = lab.users.mfa!;
const appCredential = lab.applicationCredentials!.demo!;
const totpSecret = mfa.totpSecret!;

let app: TestApp;
/** Added to the BFF's clock: lets a test age the receipt or the token without waiting. */
let clockOffsetMs = 0;

beforeAll(async () => {
  app = await startTestApp(labClouds(), { now: () => Date.now() + clockOffsetMs });
});
afterAll(async () => app.close());

async function passwordStep(api = new ApiSession(app.url)) {
  const answer = await api.post('/api/session', { cloud: 'lab-mfa', password: mfa.password });
  expect(answer.status, JSON.stringify(answer.body)).toBe(401);
  expect(answer.body.error.code).toBe('mfa_required');
  return api;
}

async function signInWithSecondFactor() {
  const api = await passwordStep();
  const answer = await api.post<SessionInfo>('/api/session/mfa', { passcode: await currentTotp(totpSecret) });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return api;
}

async function secretOf(api: ApiSession): Promise<string> {
  const answer = await api.get('/api/token/secret');
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.token as string;
}

/** Every session the store holds, as stored (what an attacker with the database file would see). */
function rawSessions(): string[] {
  const db = new Database(path.join(app.dataDir, 'sessions.db'), { readonly: true });
  try {
    return (db.prepare('SELECT sess FROM sessions').all() as { sess: string }[]).map((row) => row.sess);
  } finally {
    db.close();
  }
}

function sessionIdOf(api: ApiSession): string {
  const value = decodeURIComponent(api.sessionCookie!.split('=')[1]!);
  return value.slice(2, value.lastIndexOf('.')); // "s:<id>.<signature>"
}

describe('a user with a second factor (TOTP) at the real Keystone', () => {
  it('signs in in two steps: mfa_required keeps the receipt server-side, the passcode completes it', async () => {
    const api = new ApiSession(app.url);
    const first = await api.post('/api/session', { cloud: 'lab-mfa', password: mfa.password });
    expect(first.status).toBe(401);
    expect(first.body.error).toMatchObject({ code: 'mfa_required' });
    expect(first.body.error.message).toMatch(/passcode/);
    // Keystone's receipts are fernet tokens ("gAAAAA..."): none reaches the browser or the store in clear.
    expect(first.headers.get('openstack-auth-receipt')).toBeNull();
    expect(JSON.stringify(first.body)).not.toContain('gAAAAA');
    const stored = rawSessions().find((sess) => sess.includes('pendingMfa'));
    expect(stored).toBeDefined();
    expect(stored).not.toContain('gAAAAA');
    expect(stored).not.toContain(mfa.password);
    expect((await api.get('/api/session')).body.error.code).toBe('not_authenticated');

    const second = await api.post<SessionInfo>('/api/session/mfa', {
      passcode: await currentTotp(totpSecret),
    });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect(second.body.user).toMatchObject({ id: mfa.id, name: 'mfa' });
    expect(second.body.project?.name).toBe('demo');
    expect(second.body.requiresPasscodeForReissue).toBe(true);

    const info = (await api.get<TokenInfo>('/api/token')).body;
    expect([...info.methods].sort()).toEqual(['password', 'totp']);
    expect(info.applicationCredential).toBeNull();
    expect(await isValidAtKeystone(await secretOf(api))).toBe(true);
    // The sign-in is done: no receipt left to replay.
    expect(
      (await api.post('/api/session/mfa', { passcode: await currentTotp(totpSecret) })).body.error.code,
    ).toBe('not_authenticated');
  });

  it('signs in in one step with password and passcode together', async () => {
    const api = new ApiSession(app.url);
    const answer = await api.post<SessionInfo>('/api/session', {
      cloud: 'lab-mfa',
      password: mfa.password,
      passcode: await currentTotp(totpSecret),
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body.requiresPasscodeForReissue).toBe(true);
    expect([...(await api.get<TokenInfo>('/api/token')).body.methods].sort()).toEqual(['password', 'totp']);
    expect(await isValidAtKeystone(await secretOf(api))).toBe(true);
  });

  it('answers a wrong passcode with invalid_credentials and lets the operator try the right one', async () => {
    const api = await passwordStep();
    const wrong = await api.post('/api/session/mfa', { passcode: wrongTotp(totpSecret) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect(wrong.body.error.message).toMatch(/passcode is wrong or has expired/);
    expect((await api.get('/api/session')).body.error.code).toBe('not_authenticated');

    const right = await api.post('/api/session/mfa', { passcode: await currentTotp(totpSecret) });
    expect(right.status, JSON.stringify(right.body)).toBe(201);

    const oneStep = await new ApiSession(app.url).post('/api/session', {
      cloud: 'lab-mfa',
      password: mfa.password,
      passcode: wrongTotp(totpSecret),
    });
    expect(oneStep.status).toBe(401);
    expect(oneStep.body.error.code).toBe('invalid_credentials');
    expect(oneStep.body.error.message).toMatch(/passcode/);
  });

  it(`starts over after ${MAX_PASSCODE_ATTEMPTS} wrong passcodes`, async () => {
    const api = await passwordStep();
    for (let attempt = 1; attempt < MAX_PASSCODE_ATTEMPTS; attempt += 1) {
      expect((await api.post('/api/session/mfa', { passcode: wrongTotp(totpSecret) })).body.error.code).toBe(
        'invalid_credentials',
      );
    }
    const last = await api.post('/api/session/mfa', { passcode: wrongTotp(totpSecret) });
    expect(last.body.error).toMatchObject({ code: 'not_authenticated' });
    expect(last.body.error.message).toMatch(/Too many wrong passcodes/);
    const afterwards = await api.post('/api/session/mfa', { passcode: await currentTotp(totpSecret) });
    expect(afterwards.body.error.code).toBe('not_authenticated');
  });

  it('says to start over when the receipt expired (BFF clock) or Keystone does not know it', async () => {
    const aged = await passwordStep();
    clockOffsetMs = 6 * 60_000; // Keystone's receipts last 5 minutes ([receipt] expiration = 300)
    try {
      const answer = await aged.post('/api/session/mfa', { passcode: await currentTotp(totpSecret) });
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('not_authenticated');
      expect(answer.body.error.message).toMatch(/expired.*Start over with your password/);
    } finally {
      clockOffsetMs = 0;
    }

    // A receipt Keystone never issued (as after a key rotation): Keystone's "Could not find auth receipt".
    const garbage = await passwordStep();
    const sid = sessionIdOf(garbage);
    const sess = await new Promise<any>((resolve, reject) =>
      app.store.get(sid, (error, value) => (error ? reject(error) : resolve(value))),
    );
    const pending = sess.pendingMfa as PendingMfa;
    pending.sealedReceipt = createSecretBox([testSecret]).seal('gAAAAABnot-a-receipt-keystone-issued', sid);
    await new Promise<void>((resolve, reject) =>
      app.store.set(sid, sess, (error) => (error ? reject(error) : resolve())),
    );
    const answer = await garbage.post('/api/session/mfa', { passcode: await currentTotp(totpSecret) });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('not_authenticated');
    expect(answer.body.error.message).toMatch(/Start over with your password/);
    expect(JSON.stringify(answer.body)).not.toContain('not-a-receipt');
  });

  it('reissues only with a fresh passcode', async () => {
    const api = await signInWithSecondFactor();
    const before = (await api.get<TokenInfo>('/api/token')).body;

    const without = await api.post('/api/token/reissue', {});
    expect(without.status).toBe(401);
    expect(without.body.error.code).toBe('mfa_required');
    expect((await api.get<TokenInfo>('/api/token')).body.id).toBe(before.id);

    const wrong = await api.post('/api/token/reissue', { passcode: wrongTotp(totpSecret) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');

    const right = await api.post<TokenInfo>('/api/token/reissue', {
      passcode: await currentTotp(totpSecret),
    });
    expect(right.status, JSON.stringify(right.body)).toBe(200);
    expect(right.body.id).not.toBe(before.id);
    expect(right.body.auditIds).not.toEqual(before.auditIds);
    expect([...right.body.methods].sort()).toEqual(['password', 'totp']);
    expect(right.body.lifetimeSeconds).toBe(lab.tokenExpirationSeconds ?? 3600);
    expect(await isValidAtKeystone(await secretOf(api))).toBe(true);
  });

  it('switches project with the token method (no passcode needed), keeping the expiry', async () => {
    const api = await signInWithSecondFactor();
    const before = (await api.get<TokenInfo>('/api/token')).body;
    const switched = await api.post<SessionInfo>('/api/session/project', {
      projectId: lab.projects.demo!.id,
    });
    expect(switched.status, JSON.stringify(switched.body)).toBe(200);
    const after = (await api.get<TokenInfo>('/api/token')).body;
    expect(after.id).not.toBe(before.id);
    // Keystone carries the sign-in's methods over to the re-scoped token.
    expect([...after.methods].sort()).toEqual(['password', 'token', 'totp']);
    expect(Date.parse(after.expiresAt)).toBeLessThanOrEqual(Date.parse(before.expiresAt) + 1000);
    expect(await isValidAtKeystone(await secretOf(api))).toBe(true);
  });

  it('never renews silently: the token is used to its end, then token_expired', async () => {
    const api = await signInWithSecondFactor();
    const lifetimeMs = (await api.get<TokenInfo>('/api/token')).body.lifetimeSeconds * 1000;
    try {
      clockOffsetMs = lifetimeMs - 30_000; // 30 s left: a password session would renew here
      const networks = await api.get(`/api/networks?region=RegionOne`);
      expect(networks.status, JSON.stringify(networks.body)).toBe(200);
      expect((await api.get('/api/tokens')).body.tokens).toHaveLength(1);

      clockOffsetMs = lifetimeMs + 60_000;
      const expired = await api.get(`/api/networks?region=RegionOne`);
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('token_expired');
      expect(expired.body.error.message).toMatch(/passcode/);
    } finally {
      clockOffsetMs = 0;
    }
  });
});

describe('application credentials at the real Keystone', () => {
  it('offers lab-appcred as an application credential cloud, by id, without its secret', async () => {
    const clouds = (await new ApiSession(app.url).get<CloudList>('/api/clouds')).body.clouds;
    const cloud = clouds.find((entry) => entry.name === 'lab-appcred');
    expect(cloud).toMatchObject({
      authType: 'application_credential',
      defaults: { applicationCredentialId: appCredential.id },
    });
    expect(clouds.find((entry) => entry.name === 'lab')?.authType).toBe('password');
    expect(JSON.stringify(clouds)).not.toContain(appCredential.secret);
  });

  it('signs in, shows the restricted credential, reissues with the kept secret, revokes every token on logout', async () => {
    const api = new ApiSession(app.url);
    const login = await api.post<SessionInfo>('/api/session', {
      cloud: 'lab-appcred',
      applicationCredentialSecret: appCredential.secret,
    });
    expect(login.status, JSON.stringify(login.body)).toBe(201);
    expect(login.body.project?.id).toBe(lab.projects.demo!.id);
    expect(login.body.user.id).toBe(lab.users.demo!.id);
    expect(login.body.requiresPasscodeForReissue).toBe(false);
    expect(JSON.stringify(login.body)).not.toContain(appCredential.secret);

    const info = (await api.get<TokenInfo>('/api/token')).body;
    expect(info.methods).toEqual(['application_credential']);
    expect(info.applicationCredential).toEqual({
      id: appCredential.id,
      name: appCredential.name,
      restricted: true,
    });
    const first = await secretOf(api);
    expect(await isValidAtKeystone(first)).toBe(true);

    // Bound to project demo: no other project is offered or accepted.
    expect((await api.get('/api/projects')).body.projects.map((p: { name: string }) => p.name)).toEqual([
      'demo',
    ]);
    const other = await api.post('/api/session/project', { projectId: lab.projects.other!.id });
    expect(other.status).toBe(400);

    const reissued = await api.post<TokenInfo>('/api/token/reissue', {});
    expect(reissued.status, JSON.stringify(reissued.body)).toBe(200);
    expect(reissued.body.id).not.toBe(info.id);
    expect(reissued.body.applicationCredential?.id).toBe(appCredential.id);
    const second = await secretOf(api);
    expect(second).not.toBe(first);
    expect(await isValidAtKeystone(second)).toBe(true);

    const logout = await api.delete('/api/session');
    expect(logout.body).toEqual({ revoked: 2, notRevoked: 0 });
    expect(await isValidAtKeystone(first)).toBe(false);
    expect(await isValidAtKeystone(second)).toBe(false);
  });

  it('signs in by credential name + user, and refuses a wrong secret or a project choice', async () => {
    const byName = await new ApiSession(app.url).post<SessionInfo>('/api/session', {
      cloud: 'lab-unscoped',
      applicationCredentialName: appCredential.name,
      username: 'demo',
      userDomainName: 'Default',
      applicationCredentialSecret: appCredential.secret,
    });
    expect(byName.status, JSON.stringify(byName.body)).toBe(201);
    expect(byName.body.project?.name).toBe('demo');

    const wrong = await new ApiSession(app.url).post('/api/session', {
      cloud: 'lab-appcred',
      applicationCredentialSecret: 'not-the-secret',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect(wrong.body.error.message).toMatch(/application credential/);

    const scoped = await new ApiSession(app.url).post('/api/session', {
      cloud: 'lab-appcred',
      applicationCredentialSecret: appCredential.secret,
      projectName: 'other',
    });
    expect(scoped.status).toBe(400);
    expect(scoped.body.error.fields).toHaveProperty('projectName');
  });
});
