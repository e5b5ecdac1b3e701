import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { startDemoCloud, type DemoCloud, type DemoCloudOptions } from '../../src/demo-cloud/demo-cloud.js';
import { isSameKeystoneSecret } from '../../src/demo-cloud/demo-http.js';
import { totpPasscodeAt } from '../../src/demo-cloud/totp-passcodes.js';

/**
 * Application credentials and multi-factor sign-in (password + TOTP, auth receipts) on the demo
 * Keystone, checked against what the lab's Keystone 22 answers to the same requests.
 */

const started: DemoCloud[] = [];

async function start(options: DemoCloudOptions = {}): Promise<DemoCloud> {
  const cloud = await startDemoCloud(options);
  started.push(cloud);
  return cloud;
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(started.splice(0).map((cloud) => cloud.close()));
});

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
  token: string | null;
}

async function postTokens(
  cloud: DemoCloud,
  auth: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${cloud.url}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ auth }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: JSON.parse(text),
    token: response.headers.get('x-subject-token'),
  };
}

const hiddenUnauthorized = {
  error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' },
};

function badRequest(detail: string): unknown {
  return {
    error: {
      code: 400,
      message: `${detail} The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`,
      title: 'Bad Request',
    },
  };
}

function appCredentialOf(cloud: DemoCloud) {
  const credential = cloud.credentials.applicationCredential;
  if (!credential) throw new Error(`profile ${cloud.profile} has no application credential`);
  return credential;
}

function mfaOf(cloud: DemoCloud) {
  const mfa = cloud.credentials.mfa;
  if (!mfa) throw new Error(`profile ${cloud.profile} has no user with a second factor`);
  return mfa;
}

const byId = (cloud: DemoCloud, secret = appCredentialOf(cloud).secret) => ({
  identity: {
    methods: ['application_credential'],
    application_credential: { id: appCredentialOf(cloud).id, secret },
  },
});

const tokenBodySchema = z.object({
  token: z.looseObject({
    methods: z.array(z.string()),
    user: z.object({ id: z.string(), name: z.string() }).loose(),
    project: z.object({ id: z.string(), name: z.string() }).loose().optional(),
    roles: z.array(z.object({ name: z.string() }).loose()).optional(),
    application_credential: z
      .object({ id: z.string(), name: z.string(), restricted: z.boolean() })
      .strict()
      .optional(),
  }),
});

describe('application credentials (default profile)', () => {
  it('issues a token scoped to the credential project, naming the credential, by id or by name + user', async () => {
    const cloud = await start();
    const credential = appCredentialOf(cloud);
    const answer = await postTokens(cloud, byId(cloud));
    expect(answer.status).toBe(201);
    // The credential's id is in the Fernet payload: longer than a password token (lab: 204).
    expect(answer.token).toMatch(/^gAAAAAB[\w-]{197}$/);
    const token = tokenBodySchema.parse(answer.json).token;
    expect(token.methods).toEqual(['application_credential']);
    expect(token.user).toMatchObject({ id: cloud.credentials.userId, name: 'demo' });
    expect(token.project).toMatchObject({ id: cloud.credentials.projectId, name: 'demo' });
    expect(token.roles?.map((role) => role.name).sort()).toEqual(['member', 'reader']);
    expect(token.application_credential).toEqual({
      id: credential.id,
      name: credential.name,
      restricted: true,
    });
    expect(Object.keys(answer.json.token)).toContain('catalog');

    // Validation shows the credential too.
    const subject = answer.token!;
    const validated = await fetch(`${cloud.url}/v3/auth/tokens?nocatalog`, {
      headers: { 'X-Auth-Token': subject, 'X-Subject-Token': subject },
    });
    expect(tokenBodySchema.parse(await validated.json()).token.application_credential?.id).toBe(
      credential.id,
    );

    const byUserName = await postTokens(cloud, {
      identity: {
        methods: ['application_credential'],
        application_credential: {
          name: credential.name,
          user: { name: 'demo', domain: { name: 'Default' } },
          secret: credential.secret,
        },
      },
    });
    expect(byUserName.status).toBe(201);
    expect(tokenBodySchema.parse(byUserName.json).token.application_credential?.id).toBe(credential.id);
    const byUserId = await postTokens(cloud, {
      identity: {
        methods: ['application_credential'],
        application_credential: {
          name: credential.name,
          user: { id: cloud.credentials.userId },
          secret: credential.secret,
        },
      },
    });
    expect(byUserId.status).toBe(201);
  });

  it("refuses a scope, and the credential's token refuses to make other tokens (lab answers)", async () => {
    const cloud = await start();
    // Checked before the secret: even a wrong one gets this answer.
    for (const secret of [appCredentialOf(cloud).secret, 'wrong']) {
      const scoped = await postTokens(cloud, {
        ...byId(cloud, secret),
        scope: { project: { id: cloud.credentials.projectId } },
      });
      expect(scoped.status).toBe(401);
      expect(scoped.headers.get('www-authenticate')).toBe(`Keystone uri="${cloud.url}/v3"`);
      expect(scoped.text).toBe(
        '{"error":{"code":401,"identity":{},"message":"Error authenticating with application credential: Application credentials cannot request a scope.","title":"Unauthorized"}}',
      );
    }

    const token = (await postTokens(cloud, byId(cloud))).token!;
    const rescope = await postTokens(cloud, {
      identity: { methods: ['token'], token: { id: token } },
      scope: { project: { id: cloud.credentials.projectId } },
    });
    expect(rescope.status).toBe(403);
    expect(rescope.json.error.message).toBe(
      'You are not authorized to perform the requested action: Using a delegated token to create another token is not allowed..',
    );
    // The user's projects, not only the credential's (lab).
    const projects = await fetch(`${cloud.url}/v3/auth/projects`, { headers: { 'X-Auth-Token': token } });
    expect(((await projects.json()) as { projects: { name: string }[] }).projects.map((p) => p.name)).toEqual(
      ['demo', 'other'],
    );
  });

  it('answers wrong secrets, names and ids as Keystone 22 does', async () => {
    const cloud = await start();
    const { id, name, secret } = appCredentialOf(cloud);
    const attempt = (data: unknown) =>
      postTokens(cloud, { identity: { methods: ['application_credential'], application_credential: data } });

    // A suffix within bcrypt's 72 bytes is a different secret (see isSameKeystoneSecret).
    expect((await attempt({ id, secret: `${secret}${'s'.repeat(72)}` })).status).toBe(401);
    const wrongSecret = await attempt({ id, secret: 'not-the-secret' });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.json).toEqual(hiddenUnauthorized);
    expect((await attempt({ id })).json).toEqual(hiddenUnauthorized);
    const user = { name: 'demo', domain: { id: 'default' } };
    expect((await attempt({ name: 'nope', user, secret })).json).toEqual(hiddenUnauthorized);
    expect((await attempt({ name, user: { id: 'f'.repeat(32) }, secret })).json).toEqual(hiddenUnauthorized);

    const unknownId = await attempt({ id: 'ffff', secret });
    expect(unknownId.status).toBe(404);
    expect(unknownId.json.error.message).toBe('Could not find Application Credential: ffff.');
    const unknownUser = await attempt({ name, user: { name: 'ghost', domain: { name: 'Default' } }, secret });
    expect(unknownUser.status).toBe(404);
    expect(unknownUser.json.error.message).toBe('Could not find user: ghost.');

    expect((await attempt({ secret })).json).toEqual(
      badRequest('Expecting to find name or ID in application credential.'),
    );
    expect((await attempt({ name, secret })).json).toEqual(
      badRequest('Expecting to find user in application credential.'),
    );
    expect((await attempt({ name, user: { name: 'demo' }, secret })).json).toEqual(
      badRequest('Expecting to find domain in user.'),
    );
    const missing = await postTokens(cloud, { identity: { methods: ['application_credential'] } });
    expect(missing.json).toEqual(badRequest('Expecting to find application_credential in identity.'));
    expect(cloud.stats.tokensIssued).toBe(0);
  });
});

describe('isSameKeystoneSecret', () => {
  it("compares the first 72 UTF-8 bytes only, as Keystone's bcrypt does (the lab takes secret + anything)", () => {
    // 86 characters, the length of the secrets Keystone generates.
    const secret = 'Secret-0123456789_'.repeat(5).slice(0, 86);
    expect(isSameKeystoneSecret(secret, secret)).toBe(true);
    expect(isSameKeystoneSecret(`${secret}-anything`, secret)).toBe(true);
    expect(isSameKeystoneSecret(secret.slice(0, 72), secret)).toBe(true);
    expect(isSameKeystoneSecret(secret.slice(0, 71), secret)).toBe(false);
    expect(isSameKeystoneSecret(`${secret.slice(0, 71)}z`, secret)).toBe(false);
    expect(isSameKeystoneSecret('demo-pass!', 'demo-pass')).toBe(false);
    // Bytes, not characters: 36 two-byte characters fill the 72.
    expect(isSameKeystoneSecret(`${'é'.repeat(36)}x`, `${'é'.repeat(36)}y`)).toBe(true);
  });
});

describe('multi-factor sign-in with TOTP (default profile)', () => {
  const passwordOnly = (cloud: DemoCloud, scope?: unknown) => ({
    identity: {
      methods: ['password'],
      password: { user: { name: 'mfa', domain: { name: 'Default' }, password: mfaOf(cloud).password } },
    },
    ...(scope === undefined ? {} : { scope }),
  });
  const totpOnly = (cloud: DemoCloud, passcode: string, scope?: unknown) => ({
    identity: { methods: ['totp'], totp: { user: { id: mfaOf(cloud).userId, passcode } } },
    ...(scope === undefined ? {} : { scope }),
  });

  /** Fakes only Date, in the middle of a TOTP step, so a passcode cannot roll over mid-test. */
  function freezeMidStep(): number {
    const now = Date.now();
    const mid = now - (now % 30_000) + 30_000 + 15_000;
    vi.useFakeTimers({ toFake: ['Date'], now: mid });
    return mid;
  }

  it('answers the password alone with 401 + Openstack-Auth-Receipt; the receipt and a passcode get the token', async () => {
    const cloud = await start();
    const mfa = mfaOf(cloud);
    const now = freezeMidStep();
    const first = await postTokens(
      cloud,
      passwordOnly(cloud, { project: { id: cloud.credentials.projectId } }),
    );
    expect(first.status).toBe(401);
    const receipt = first.headers.get('openstack-auth-receipt');
    expect(receipt).toMatch(/^gAAAAAB[\w-]{112}$/);
    expect(first.headers.get('www-authenticate')).toBeNull();
    expect(first.headers.get('content-type')).toBe('application/json');
    // Python json.dumps spacing, as keystone/receipt/handlers.py writes it.
    const issuedAt = new Date(Math.floor(now / 1000) * 1000).toISOString().slice(0, 19);
    const expiresAt = new Date(Math.floor(now / 1000) * 1000 + 300_000).toISOString().slice(0, 19);
    expect(first.text).toBe(
      `{"receipt": {"methods": ["password"], "user": {"id": "${mfa.userId}", "name": "mfa", "domain": {"id": "default", "name": "Default"}}, ` +
        `"expires_at": "${expiresAt}.000000Z", "issued_at": "${issuedAt}.000000Z"}, "required_auth_methods": [["password", "totp"]]}`,
    );
    expect(first.token).toBeNull();
    expect(cloud.stats.tokensIssued).toBe(0);

    const passcode = cloud.currentPasscode()!;
    expect(passcode).toBe(totpPasscodeAt(mfa.totpSecret, now));
    const second = await postTokens(
      cloud,
      totpOnly(cloud, passcode, { project: { id: cloud.credentials.projectId } }),
      { 'Openstack-Auth-Receipt': receipt! },
    );
    expect(second.status).toBe(201);
    const token = tokenBodySchema.parse(second.json).token;
    // Keystone's order (lab): the method of this request first, then the receipt's.
    expect(token.methods).toEqual(['totp', 'password']);
    expect(token.user).toMatchObject({ id: mfa.userId, name: 'mfa' });
    expect(token.project?.id).toBe(cloud.credentials.projectId);
    expect(token.application_credential).toBeUndefined();
    expect(cloud.isTokenValid(second.token!)).toBe(true);

    // A receipt may be used again while it lasts (Keystone keeps no record of its use).
    const again = await postTokens(cloud, totpOnly(cloud, passcode), { 'Openstack-Auth-Receipt': receipt! });
    expect(again.status).toBe(201);
  });

  it('takes password and passcode in one request, the previous step too, but not the next', async () => {
    const cloud = await start();
    const mfa = mfaOf(cloud);
    const now = freezeMidStep();
    const both = (passcode: string) =>
      postTokens(cloud, {
        identity: {
          methods: ['password', 'totp'],
          password: { user: { id: mfa.userId, password: mfa.password } },
          totp: { user: { name: 'mfa', domain: { id: 'default' }, passcode } },
        },
      });
    const current = await both(totpPasscodeAt(mfa.totpSecret, now));
    expect(current.status).toBe(201);
    expect(current.json.token.methods).toEqual(['totp', 'password']);
    expect((await both(totpPasscodeAt(mfa.totpSecret, now - 30_000))).status).toBe(201);
    const next = await both(totpPasscodeAt(mfa.totpSecret, now + 30_000));
    expect(next.status).toBe(401);
    expect(next.json).toEqual(hiddenUnauthorized);
    expect(next.headers.get('openstack-auth-receipt')).toBeNull();
  });

  it('answers wrong passcodes, foreign or expired receipts and malformed totp data like Keystone 22', async () => {
    const cloud = await start();
    const mfa = mfaOf(cloud);
    const now = freezeMidStep();
    const receipt = (await postTokens(cloud, passwordOnly(cloud))).headers.get('openstack-auth-receipt')!;
    const passcode = totpPasscodeAt(mfa.totpSecret, now);
    const wrong = totpPasscodeAt(mfa.totpSecret, now - 3_600_000);

    const wrongPasscode = await postTokens(cloud, totpOnly(cloud, wrong), {
      'Openstack-Auth-Receipt': receipt,
    });
    expect(wrongPasscode.status).toBe(401);
    expect(wrongPasscode.json).toEqual(hiddenUnauthorized);
    // A wrong password is refused outright: no receipt.
    const wrongPassword = await postTokens(cloud, {
      identity: { methods: ['password'], password: { user: { id: mfa.userId, password: 'nope' } } },
    });
    expect(wrongPassword.json).toEqual(hiddenUnauthorized);
    expect(wrongPassword.headers.get('openstack-auth-receipt')).toBeNull();

    // The passcode alone earns a receipt for totp, which the password then completes.
    const totpFirst = await postTokens(cloud, totpOnly(cloud, passcode));
    expect(totpFirst.status).toBe(401);
    expect(totpFirst.json.receipt.methods).toEqual(['totp']);

    const garbage = await postTokens(cloud, totpOnly(cloud, passcode), {
      'Openstack-Auth-Receipt': 'gAAAAABgarbage',
    });
    expect(garbage.status).toBe(401);
    expect(garbage.json.error.message).toBe('Could not find auth receipt: gAAAAABgarbage.');
    expect(garbage.headers.get('www-authenticate')).toBe(`Keystone uri="${cloud.url}/v3"`);
    // Another user's sign-in cannot use mfa's receipt.
    const foreign = await postTokens(
      cloud,
      {
        identity: {
          methods: ['password'],
          password: { user: { id: cloud.credentials.userId, password: cloud.credentials.password } },
        },
      },
      { 'Openstack-Auth-Receipt': receipt },
    );
    expect(foreign.json.error.message).toBe(`Could not find auth receipt: ${receipt}.`);

    // The user has a role on `demo` only: the second factor is asked first, the scope refused after.
    const other = 'other';
    const otherScope = { project: { name: other, domain: { id: 'default' } } };
    const otherReceipt = await postTokens(cloud, passwordOnly(cloud, otherScope));
    expect(otherReceipt.status).toBe(401);
    const refused = await postTokens(cloud, totpOnly(cloud, passcode, otherScope), {
      'Openstack-Auth-Receipt': otherReceipt.headers.get('openstack-auth-receipt')!,
    });
    expect(refused.json).toEqual(hiddenUnauthorized);

    expect((await postTokens(cloud, { identity: { methods: ['totp'], totp: {} } })).json).toEqual(
      badRequest('Expecting to find user in None.'),
    );
    expect(
      (await postTokens(cloud, { identity: { methods: ['password', 'totp'], password: {} } })).json,
    ).toEqual(badRequest('Expecting to find totp in identity.'));
    // The demo user has no totp credential: a passcode cannot sign it in.
    const noCredential = await postTokens(cloud, {
      identity: { methods: ['totp'], totp: { user: { id: cloud.credentials.userId, passcode } } },
    });
    expect(noCredential.json).toEqual(hiddenUnauthorized);

    // Receipts last 300 s ([receipt] expiration).
    vi.setSystemTime(now + 301_000);
    const expired = await postTokens(cloud, totpOnly(cloud, totpPasscodeAt(mfa.totpSecret, now + 301_000)), {
      'Openstack-Auth-Receipt': receipt,
    });
    expect(expired.json.error.message).toBe(`Could not find auth receipt: ${receipt}.`);
    expect(cloud.stats.tokensIssued).toBe(0);
  });

  it('re-scopes an MFA token with the token method alone, and lists only the projects of the user', async () => {
    const cloud = await start();
    const mfa = mfaOf(cloud);
    const now = freezeMidStep();
    const signedIn = await postTokens(cloud, {
      identity: {
        methods: ['password', 'totp'],
        password: { user: { id: mfa.userId, password: mfa.password } },
        totp: { user: { id: mfa.userId, passcode: totpPasscodeAt(mfa.totpSecret, now) } },
      },
    });
    const unscoped = signedIn.token!;
    const rescoped = await postTokens(cloud, {
      identity: { methods: ['token'], token: { id: unscoped } },
      scope: { project: { id: cloud.credentials.projectId } },
    });
    expect(rescoped.status).toBe(201);
    expect([...rescoped.json.token.methods].sort()).toEqual(['password', 'token', 'totp']);
    const projects = await fetch(`${cloud.url}/v3/auth/projects`, { headers: { 'X-Auth-Token': unscoped } });
    expect(((await projects.json()) as { projects: { name: string }[] }).projects.map((p) => p.name)).toEqual(
      ['demo'],
    );
  });
});

describe('profiles without these methods', () => {
  it('vk, ovh and nhn offer neither; Keystone answers such methods as unsupported', async () => {
    for (const profile of ['vk', 'ovh', 'nhn'] as const) {
      const cloud = await start({ profile });
      expect(cloud.credentials.mfa).toBeNull();
      expect(cloud.credentials.applicationCredential).toBeNull();
      expect(cloud.currentPasscode()).toBeNull();
    }
    const vk = started.find((cloud) => cloud.profile === 'vk')!;
    const answer = await postTokens(vk, {
      identity: { methods: ['application_credential'], application_credential: { id: 'x', secret: 'y' } },
    });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({
      error: {
        code: 401,
        identity: { methods: ['password', 'token'] },
        message: 'Attempted to authenticate with an unsupported method.',
        title: 'Unauthorized',
      },
    });
  });
});
