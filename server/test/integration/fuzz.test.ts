import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { openRawClient, sendRaw, type RawAnswer, type RawClient } from '../support/raw-http.js';
import { seededRandom } from '../support/seeded-random.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 6 "Hostile input", at volume: FUZZ_REQUESTS (5,200) generated requests, seeded, over every
 * endpoint and method, signed in and not, with and without a CSRF token: random JSON of every type,
 * huge strings, deep nesting, prototype keys, bad UTF-8, wrong media types and encodings, abused
 * headers (cookies, origins, forwarded-for, host), path tricks and query garbage. Every answer must
 * be below 500 and free of stack traces, the process must stay up, and the heap must stay flat.
 * hostile-input.test.ts checks the exact code of each hand-written probe; this one checks volume.
 */

const FUZZ_REQUESTS = 5_200;
const CONCURRENCY = 16;

let demo: DemoCloud;
let app: TestApp;
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default', networkCount: 30 });
  // With WebSSO offered, so the SSO start and callback are fuzzed past their "no SSO here" refusal.
  const cloud = demoCloudConfig(demo, 'demo');
  app = await startTestApp([
    { ...cloud, websso: { protocol: 'openid', identityProvider: null, label: 'IdP' } },
  ]);
});
afterAll(async () => {
  agent.destroy();
  await app.close();
  await demo.close();
});

// ------------------------------------------------------------------------------------------------ transport

type Answer = RawAnswer;
type Client = RawClient;

interface Request {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const send = (request: Request): Promise<Answer> =>
  sendRaw(app.url, agent, { ...request, timeoutMs: 15_000 });

const openClient = (isSignedIn: boolean): Promise<Client> =>
  openRawClient(app.url, agent, isSignedIn ? { cloud: 'demo', password: demo.credentials.password } : null);

// ------------------------------------------------------------------------------------------------ generator

const random = seededRandom(0x5eed_f022);
const chance = (p: number) => random() < p;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

const alphabet = [
  'a',
  'Z',
  '0',
  ' ',
  '"',
  "'",
  '\\',
  '/',
  '<',
  '>',
  '%',
  '&',
  '\u0000',
  '\u202e',
  'é',
  '中',
  '😀',
  '\n',
  '{',
  '$',
];
const randomText = (length: number) => Array.from({ length }, () => pick(alphabet)).join('');
const printable = (length: number) =>
  Array.from({ length }, () => String.fromCharCode(between(0x20, 0x7e))).join('');

const endpoints: [string, string][] = [
  ['GET', '/api/health'],
  ['GET', '/api/ready'],
  ['GET', '/api/csrf'],
  ['GET', '/api/clouds'],
  ['GET', '/api/session'],
  ['POST', '/api/session'],
  ['DELETE', '/api/session'],
  ['GET', '/api/projects'],
  ['POST', '/api/session/project'],
  ['GET', '/api/scopes'],
  ['POST', '/api/session/scope'],
  ['POST', '/api/inspector'],
  ['GET', '/api/token'],
  ['GET', '/api/token/secret'],
  ['POST', '/api/token/reissue'],
  ['GET', '/api/tokens'],
  ['DELETE', '/api/tokens/0123456789abcdef'],
  ['GET', '/api/catalog'],
  ['GET', '/api/networks'],
  ['GET', '/api/application-credentials'],
  ['POST', '/api/application-credentials'],
  ['DELETE', '/api/application-credentials/0123456789abcdef'],
  ['GET', '/api/ec2-credentials'],
  ['POST', '/api/ec2-credentials'],
  ['DELETE', '/api/ec2-credentials/0123456789abcdef'],
  ['GET', '/api/sso/demo/start'],
  ['POST', '/api/sso/callback'],
];

const fieldNames = [
  'cloud',
  'username',
  'userId',
  'password',
  'userDomainName',
  'userDomainId',
  'projectId',
  'projectName',
  'projectDomainName',
  'projectDomainId',
  'regionName',
  'revokePrevious',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '$where',
  'isAdmin',
  'authUrl',
  'auth_url',
  'url',
  'endpoint',
  'name',
  'secret',
  'expiresAt',
  'roles',
  'unrestricted',
  'accessRules',
];

function randomValue(depth: number): unknown {
  const kind = depth > 3 ? between(0, 5) : between(0, 8);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return chance(0.5);
    case 2:
      return pick([0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1]);
    case 3:
      return randomText(between(0, 40));
    case 4:
      return 'A'.repeat(pick([255, 256, 4096, 4097, 12_000]));
    case 5:
      return pick(['demo', demo.credentials.password, 'http://169.254.169.254/latest', 'file:///etc/passwd']);
    case 6:
      return Array.from({ length: between(0, 4) }, () => randomValue(depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = between(0, 5); i > 0; i -= 1) object[pick(fieldNames)] = randomValue(depth + 1);
      return object;
    }
  }
}

function nested(depth: number): string {
  const open = pick(['[', '{"a":']);
  return `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`;
}

function randomBody(): Buffer | undefined {
  switch (between(0, 9)) {
    case 0:
      return undefined;
    case 1:
      return Buffer.from(nested(between(20, 5000)));
    case 2:
      return Buffer.from(JSON.stringify(randomValue(0)).slice(0, between(0, 60))); // truncated
    case 3:
      return Buffer.concat([
        Buffer.from('{"password":"'),
        Buffer.from([pick([0xff, 0xc3, 0xed, 0xf8, 0x80])]),
        Buffer.from('"}'),
      ]);
    case 4:
      return Buffer.from(`{"pad":"${'x'.repeat(between(16_000, 40_000))}"}`);
    case 5:
      return Buffer.from(randomText(between(1, 200)));
    case 6:
      return Buffer.from(
        JSON.stringify({
          cloud: pick(['demo', 'nope', '']),
          password: pick(['x', demo.credentials.password]),
          [pick(fieldNames)]: randomValue(1),
        }),
      );
    default: {
      const object: Record<string, unknown> = {};
      for (let i = between(0, 6); i > 0; i -= 1) object[pick(fieldNames)] = randomValue(1);
      return Buffer.from(JSON.stringify(object));
    }
  }
}

function randomPath(base: string): string {
  switch (between(0, 11)) {
    case 0:
      return base.toUpperCase();
    case 1:
      return `${base}/`;
    case 2:
      return base.replace('/api/', '/api//');
    case 3:
      return `${base}/${encodeURIComponent(randomText(between(1, 20)))}`;
    case 4:
      return `${base}%2f..%2f..%2f${pick(['etc/passwd', 'v3/auth/tokens', 'api/token/secret'])}`;
    case 5:
      return `/api/${encodeURIComponent(randomText(between(1, 30)))}`;
    case 6:
      return `${base};${printable(between(1, 10)).replace(/[^\w=]/g, '')}`;
    case 7:
      return `/api/tokens/${pick(['%00', '%ff', '..', '%2e%2e', 'a'.repeat(between(1, 300)), encodeURIComponent(randomText(12))])}`;
    default:
      return base;
  }
}

function randomQuery(): string {
  if (chance(0.5)) return '';
  const keys = [
    'limit',
    'marker',
    'name',
    'region',
    'interface',
    'sortKey',
    'sortDir',
    '__proto__[x]',
    'constructor',
    'limit[]',
    'x',
  ];
  const values = () =>
    pick([
      String(between(-5, 2000)),
      'public',
      'internal',
      'admin',
      'asc',
      'desc',
      'name',
      'RegionOne',
      encodeURIComponent(randomText(between(0, 30))),
      'A'.repeat(between(200, 2000)),
      '',
    ]);
  return `?${Array.from({ length: between(1, 5) }, () => `${pick(keys)}=${values()}`).join('&')}`;
}

function randomHeaders(client: Client, method: string, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  if (client.cookie && chance(0.9)) headers.Cookie = client.cookie;
  else if (chance(0.3))
    headers.Cookie = pick([
      `api-access.sid=${printable(between(0, 80)).replace(/[;,]/g, '')}`,
      'api-access.sid=s%3Aabc.def',
      '=;;=',
      `a=${'b'.repeat(4000)}`,
    ]);
  if (method !== 'GET' && client.csrfToken && chance(0.85)) headers['X-CSRF-Token'] = client.csrfToken;
  else if (chance(0.3)) headers['X-CSRF-Token'] = printable(between(0, 60));
  if (hasBody)
    headers['Content-Type'] = chance(0.8)
      ? 'application/json'
      : pick([
          'text/plain',
          'application/json; charset=latin1',
          'application/json; charset=utf-16',
          'multipart/form-data; boundary=x',
          'application/x-www-form-urlencoded',
          '',
          printable(20),
        ]);
  if (chance(0.1)) headers['Content-Encoding'] = pick(['gzip', 'deflate', 'br', 'identity', 'x-evil']);
  if (chance(0.15)) headers.Origin = pick(['https://evil.example', 'null', app.url, printable(30)]);
  if (chance(0.15))
    headers['Sec-Fetch-Site'] = pick(['cross-site', 'same-site', 'same-origin', 'none', printable(10)]);
  if (chance(0.1)) headers['X-Forwarded-For'] = pick(['1.2.3.4', '::1, 10.0.0.1', printable(40)]);
  if (chance(0.05)) headers.Host = pick(['evil.example', 'localhost:1', printable(20).replace(/\s/g, '')]);
  if (chance(0.1)) headers.Accept = pick(['text/html', '*/*;q=abc', printable(30)]);
  if (chance(0.05)) headers['X-Auth-Token'] = printable(64);
  if (chance(0.05)) headers[`X-${printable(8).replace(/[^A-Za-z]/g, 'x')}`] = 'v'.repeat(between(1, 6000));
  return headers;
}

function generate(clients: Client[]): { request: Request; client: number } {
  const client = between(0, clients.length - 1);
  const [baseMethod, basePath] = pick(endpoints);
  const method = chance(0.85)
    ? baseMethod
    : pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
  const path = randomPath(basePath) + (basePath === '/api/networks' || chance(0.1) ? randomQuery() : '');
  const body = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) || chance(0.05) ? randomBody() : undefined;
  return {
    request: {
      method,
      path,
      headers: randomHeaders(clients[client]!, method, body !== undefined),
      ...(body ? { body } : {}),
    },
    client,
  };
}

// ------------------------------------------------------------------------------------------------ the test

const stackTrace = /(\bat [\w.<>]+ \(|\.(ts|js):\d+:\d+|node_modules)/;

/** A real collection before each reading: vitest workers lack --expose-gc, so turn it on here. */
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

function heapUsed(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

describe('fuzz', () => {
  it(`answers ${FUZZ_REQUESTS} generated hostile requests below 500, stays up, keeps the heap flat`, async () => {
    const started = Date.now();
    const clients = [
      await openClient(false),
      await openClient(false),
      await openClient(true),
      await openClient(true),
      await openClient(true),
    ];
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let sent = 0;
    let heapAfterWarmUp = 0;

    for (let batchStart = 0; batchStart < FUZZ_REQUESTS; batchStart += CONCURRENCY) {
      // Fuzzed logouts end sessions: sign the signed-in clients in again now and then.
      if (batchStart > 0 && batchStart % 800 === 0) {
        for (let i = 2; i < clients.length; i += 1) clients[i] = await openClient(true);
      }
      if (batchStart === 1008) heapAfterWarmUp = heapUsed();
      const batch = Array.from({ length: Math.min(CONCURRENCY, FUZZ_REQUESTS - batchStart) }, () =>
        generate(clients),
      );
      const answers = await Promise.all(
        batch.map(({ request }) =>
          send(request).then(
            (answer) => answer,
            (error: Error) => ({ status: -1, text: error.message, headers: {} }) as Answer,
          ),
        ),
      );
      answers.forEach((answer, index) => {
        sent += 1;
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const { request } = batch[index]!;
        const label = `#${batchStart + index} ${request.method} ${request.path.slice(0, 80)}`;
        if (answer.status < 0) failures.push(`${label}: transport error ${answer.text}`);
        else if (answer.status >= 500)
          failures.push(`${label}: ${answer.status} ${answer.text.slice(0, 200)}`);
        else if (stackTrace.test(answer.text))
          failures.push(`${label}: stack trace ${answer.text.slice(0, 200)}`);
      });
    }
    const heapAtEnd = heapUsed();

    expect(sent).toBe(FUZZ_REQUESTS);
    expect(failures).toEqual([]);
    // The fuzz reached the handlers, not only the gates: successes, refusals and bad input all occur.
    const count = (predicate: (status: number) => boolean) =>
      [...statuses].filter(([status]) => predicate(status)).reduce((sum, [, n]) => sum + n, 0);
    expect(count((status) => status >= 200 && status < 300)).toBeGreaterThan(500);
    for (const status of [400, 401, 403, 404, 413, 415])
      expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
    // Still up and serving the signed-in session.
    const fresh = await openClient(true);
    expect(
      (await send({ method: 'GET', path: '/api/token', headers: { Cookie: fresh.cookie ?? '' } })).status,
    ).toBe(200);
    expect(app.logs()).not.toContain('"unhandled error"');
    const growthMb = (heapAtEnd - heapAfterWarmUp) / 1024 / 1024;
    console.info(
      `fuzz: ${sent} requests in ${((Date.now() - started) / 1000).toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}; heap growth after warm-up ${growthMb.toFixed(1)} MB`,
    );
    expect(growthMb).toBeLessThan(20);
  }, 120_000);
});
