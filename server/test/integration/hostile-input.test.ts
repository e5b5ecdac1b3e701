import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../src/contract/errors.js';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { openRawClient, sendRaw, type RawAnswer, type RawClient } from '../support/raw-http.js';
import { seededRandom } from '../support/seeded-random.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 6 "Hostile input" (a start): hundreds of generated malformed or hostile requests (invalid
 * JSON, wrong types, unknown fields, huge strings, deep nesting, oversize bodies, wrong media
 * types, bad UTF-8, path tricks, unknown routes, odd headers) across every endpoint, signed in and
 * not. Each must get a 4xx with the one error body: never a 5xx, never a stack trace, never a
 * success. The generator is seeded, so a failure reproduces.
 */

let demo: DemoCloud;
let app: TestApp;
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

interface Probe {
  label: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Exact status wanted, or any 4xx. */
  status?: number;
  code?: string;
  /** A field the invalid_input answer must name. */
  field?: string;
  /** The few probes where a success is legitimate (e.g. a case-insensitive route). */
  isSuccessAllowed?: boolean;
}

type Client = RawClient;

/** One probe as the SPA would send it: the session's cookie and CSRF token, JSON when there is a body. */
function send(probe: Probe, client: Client): Promise<RawAnswer> {
  return sendRaw(app.url, agent, {
    label: probe.label,
    method: probe.method,
    path: probe.path,
    ...(probe.body === undefined ? {} : { body: probe.body }),
    headers: {
      ...(client.cookie ? { Cookie: client.cookie } : {}),
      ...(client.csrfToken ? { 'X-CSRF-Token': client.csrfToken } : {}),
      ...(probe.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...probe.headers,
    },
  });
}

const openClient = (isSignedIn: boolean): Promise<Client> =>
  openRawClient(app.url, agent, isSignedIn ? { cloud: 'demo', password: demo.credentials.password } : null);

// ------------------------------------------------------------------------------------------------ generator

const random = seededRandom(20_261_123);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const randomText = (length: number) =>
  Array.from({ length }, () =>
    pick(['a', 'Z', '0', ' ', '"', '\\', '/', '<', '>', '%', '\u0000', 'é', '中', '😀', '\n']),
  ).join('');

/** Each POST body endpoint with a body that is valid in shape but carries a wrong password/id. */
const bodyEndpoints = [
  {
    path: '/api/session',
    base: { cloud: 'demo', username: 'demo', password: 'not-the-password' },
    isSignedIn: false,
  },
  { path: '/api/session/project', base: { projectId: 'no-such-project' }, isSignedIn: true },
  { path: '/api/session/scope', base: { kind: 'project', projectId: 'no-such-project' }, isSignedIn: true },
  { path: '/api/inspector', base: { tokenId: 'abcdef0123456789', allowExpired: true }, isSignedIn: true },
  {
    path: '/api/token/reissue',
    base: { password: 'not-the-password', revokePrevious: false },
    isSignedIn: true,
  },
] as const;

const wrongTypeValues: unknown[] = [42, -1.5, true, false, null, [], ['x'], {}, { nested: 'x' }, 1e308];
const unknownKeys = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '$where',
  'admin',
  'isAdmin',
  'token',
  'Password',
  ' password',
  'password\u0000',
];
const brokenJson = [
  '{',
  '}',
  '{"cloud":',
  '{"cloud":"demo",}',
  "{'cloud':'demo'}",
  '{"cloud":"demo" "password":"x"}',
  'NaN',
  'undefined',
  '{"password":"x"}}',
  '{"password":"\\x41"}',
  '{"password":"\\uZZZZ"}',
  '\u0000',
  '{"a":1e99999}x',
  '[',
  '<xml/>',
  'cloud=demo&password=x',
];
const topLevelNonObjects = ['null', '1', '"string"', 'true', '[]', '[{"cloud":"demo"}]'];
const badUtf8Sequences = [
  [0xff],
  [0xfe, 0xff],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xe2, 0x82],
];

function nested(depth: number, leaf: unknown): string {
  const open = pick(['[', '{"a":']);
  const close = open === '[' ? ']' : '}';
  return `${open.repeat(depth)}${JSON.stringify(leaf)}${close.repeat(depth)}`;
}

function bodyProbes(): Probe[] {
  const probes: Probe[] = [];
  for (const endpoint of bodyEndpoints) {
    const fields = Object.keys(endpoint.base);
    const post = (label: string, body: Buffer | string, extra: Partial<Probe> = {}): Probe => ({
      label: `${endpoint.path} ${label}`,
      method: 'POST',
      path: endpoint.path,
      body,
      ...extra,
    });
    for (const text of brokenJson)
      probes.push(post(`broken JSON ${JSON.stringify(text)}`, text, { status: 400, code: 'invalid_input' }));
    for (let i = 0; i < 10; i += 1) {
      const valid = JSON.stringify(endpoint.base);
      probes.push(
        post(`truncated JSON #${i}`, valid.slice(0, between(1, valid.length - 1)), {
          status: 400,
          code: 'invalid_input',
        }),
      );
    }
    for (const text of topLevelNonObjects)
      probes.push(post(`top level ${text}`, text, { status: 400, code: 'invalid_input' }));
    for (const field of fields) {
      const baseValue = (endpoint.base as Record<string, unknown>)[field];
      for (const value of wrongTypeValues.filter((candidate) => typeof candidate !== typeof baseValue)) {
        probes.push(
          post(`${field} = ${JSON.stringify(value)}`, JSON.stringify({ ...endpoint.base, [field]: value }), {
            status: 400,
            code: 'invalid_input',
            field,
          }),
        );
      }
    }
    for (const key of unknownKeys) {
      probes.push(
        post(
          `unknown key ${JSON.stringify(key)}`,
          `{${JSON.stringify(key)}:${JSON.stringify(pick(wrongTypeValues))},${JSON.stringify(endpoint.base).slice(1)}`,
          {
            status: 400,
            code: 'invalid_input',
            field: key,
          },
        ),
      );
    }
    for (const field of fields.filter(
      (name) => typeof (endpoint.base as Record<string, unknown>)[name] === 'string',
    )) {
      for (let i = 0; i < 4; i += 1) {
        const huge = 'A'.repeat(between(4097, 15_000));
        probes.push(
          post(`huge ${field} (${huge.length})`, JSON.stringify({ ...endpoint.base, [field]: huge }), {
            status: 400,
            code: 'invalid_input',
          }),
        );
      }
      // A password may hold any text (then Keystone refuses it); names and ids may not.
      probes.push(
        post(`hostile text in ${field}`, JSON.stringify({ ...endpoint.base, [field]: randomText(300) })),
      );
    }
    for (let i = 0; i < 6; i += 1) {
      const depth = between(50, 3000);
      const body = `{${JSON.stringify(pick(fields))}:${nested(depth, 'x')}}`;
      // Deep `{"a":` nesting passes the 16 KiB body limit: then the size is what is refused.
      const isOversize = Buffer.byteLength(body) > 16_384;
      probes.push(
        post(
          `nesting ${depth}`,
          body,
          isOversize ? { status: 413, code: 'payload_too_large' } : { status: 400, code: 'invalid_input' },
        ),
      );
    }
    for (const size of [16_385, 20_000, 100_000]) {
      probes.push(
        post(`body of ${size} bytes`, JSON.stringify({ ...endpoint.base, pad: 'x'.repeat(size) }), {
          status: 413,
          code: 'payload_too_large',
        }),
      );
    }
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/jsonp',
      'json',
    ]) {
      probes.push(
        post(`Content-Type ${type}`, JSON.stringify(endpoint.base), {
          headers: { 'Content-Type': type },
          status: 415,
          code: 'unsupported_media_type',
        }),
      );
    }
    probes.push(
      post('text/plain of 20 KB', 'x'.repeat(20_000), {
        headers: { 'Content-Type': 'text/plain' },
        status: 415,
        code: 'unsupported_media_type',
      }),
    );
    for (const charset of ['latin1', 'x-unknown', 'iso-8859-1']) {
      probes.push(
        post(`charset ${charset}`, JSON.stringify(endpoint.base), {
          headers: { 'Content-Type': `application/json; charset=${charset}` },
          status: 415,
          code: 'unsupported_media_type',
        }),
      );
    }
    // Accepted as a charset, but these UTF-8 bytes do not decode to JSON.
    probes.push(
      post('charset utf-16', JSON.stringify(endpoint.base), {
        headers: { 'Content-Type': 'application/json; charset=utf-16' },
        status: 400,
      }),
    );
    probes.push(
      post('gzip that is not gzip', 'not gzip at all', { headers: { 'Content-Encoding': 'gzip' } }),
    );
    probes.push(
      post('unknown content encoding', JSON.stringify(endpoint.base), {
        headers: { 'Content-Encoding': 'x-hostile' },
      }),
    );
    for (const field of fields.filter(
      (name) => typeof (endpoint.base as Record<string, unknown>)[name] === 'string',
    )) {
      for (const sequence of badUtf8Sequences) {
        const value = String((endpoint.base as Record<string, unknown>)[field]);
        const json = JSON.stringify({ ...endpoint.base, [field]: '@@' });
        const [before, after] = json.split('@@') as [string, string];
        // Still wrong credentials or an invalid id once decoded: a 4xx either way.
        probes.push(
          post(
            `bad UTF-8 ${sequence.map((b) => b.toString(16)).join(' ')} in ${field}`,
            Buffer.concat([Buffer.from(before + value), Buffer.from(sequence), Buffer.from(after)]),
          ),
        );
      }
    }
  }
  return probes;
}

function queryProbes(): Probe[] {
  const bad: string[] = [
    'limit=abc',
    'limit=-1',
    'limit=0',
    'limit=1001',
    'limit=1.5',
    'limit=',
    'limit=Infinity',
    'limit=NaN',
    'limit=99999999999999999999',
    'limit=1&limit=2',
    'interface=evil',
    'interface=',
    'interface=public&interface=admin',
    'region=',
    `region=${'R'.repeat(300)}`,
    'marker=../../etc/passwd',
    'marker=%00',
    'marker=a%20b',
    `marker=${'m'.repeat(300)}`,
    `name=${'n'.repeat(300)}`,
    'sortKey=password',
    'sortKey=name;DROP%20TABLE',
    'sortDir=sideways',
    'unknown=1',
    '__proto__[x]=1',
    'constructor=1',
    'limit[]=1',
    'region[foo]=bar',
  ];
  for (let i = 0; i < 12; i += 1)
    bad.push(
      `${pick(['limit', 'interface', 'sortDir', 'sortKey'])}=${encodeURIComponent(randomText(between(1, 20)))}x`,
    );
  return bad.map((query) => ({
    label: `networks ?${query}`,
    method: 'GET',
    path: `/api/networks?${query}`,
    status: 400,
    code: 'invalid_input',
  }));
}

function pathProbes(): Probe[] {
  const probes: Probe[] = [];
  const tokenPaths = [
    '/api/tokens/..%2f..',
    '/api/tokens/..%2F..%2Fsession',
    '/api/tokens/%2e%2e',
    '/api/tokens/%00',
    '/api/tokens/%ff',
    '/api/tokens/%',
    '/api/tokens/%zz',
    '/api/tokens/ABCDEF0123456789',
    '/api/tokens/' + 'a'.repeat(5000),
    '/api/tokens/%3Cscript%3E',
    '/api/tokens/0123456789abcdef', // well-formed but not issued in this session
    '/api/tokens/0123456789abcdef/extra',
  ];
  for (const path of tokenPaths)
    probes.push({ label: `DELETE ${path.slice(0, 40)}`, method: 'DELETE', path });
  const unknown = [
    '/api/%00',
    '/api/%ff',
    '/api/..%2f..%2fetc%2fpasswd',
    '/api/token%2fsecret',
    '/api/token/../session',
    '/api//token',
    '/api/token;jsessionid=1',
    '/api/tokens/0123456789abcdef',
    '/api/.env',
    '/api/admin',
    '/api/v2.0/networks',
    '/api/networks/..%2f..%2fv3%2fauth%2ftokens',
    '/api/' + 'x'.repeat(4000),
  ];
  for (const path of unknown)
    probes.push({
      label: `GET ${path.slice(0, 40)}`,
      method: 'GET',
      path,
      status: path.includes('%ff') ? undefined : 404,
    });
  // Express routes are case-insensitive and ignore a trailing slash: these may succeed, never fail badly.
  for (const path of ['/api/TOKEN', '/api/token/secret/', '/api/Token/Secret'])
    probes.push({ label: `GET ${path}`, method: 'GET', path, isSuccessAllowed: true });
  for (let i = 0; i < 25; i += 1) {
    const segments = Array.from({ length: between(1, 4) }, () =>
      encodeURIComponent(randomText(between(1, 12))).replace(/%2F/gi, '_'),
    );
    probes.push({
      label: `GET random route #${i}`,
      method: 'GET',
      path: `/api/zz-${segments.join('/')}`,
      status: 404,
      code: 'not_found',
    });
  }
  const wrongMethods: [string, string][] = [
    ['PUT', '/api/session'],
    ['PATCH', '/api/token'],
    ['POST', '/api/token'],
    ['DELETE', '/api/token/secret'],
    ['POST', '/api/networks'],
    ['PUT', '/api/tokens/0123456789abcdef'],
    ['POST', '/api/catalog'],
    ['DELETE', '/api/clouds'],
    ['PATCH', '/api/session/project'],
  ];
  for (const [method, path] of wrongMethods)
    probes.push({ label: `${method} ${path}`, method, path, status: 404, code: 'not_found' });
  return probes;
}

function headerProbes(): Probe[] {
  const probes: Probe[] = [];
  const cookies = [
    'api-access.sid=garbage',
    'api-access.sid=s%3Agarbage.signature',
    'api-access.sid=s%3A' + 'A'.repeat(3000),
    'api-access.sid=%ff%fe',
    'api-access.sid=',
    'api-access.sid=1; api-access.sid=2',
    '__Host-api-access=s%3Aabc.def',
    '=; ; ;=;',
  ];
  for (const cookie of cookies) {
    probes.push({
      label: `cookie ${cookie.slice(0, 30)}`,
      method: 'GET',
      path: '/api/token',
      headers: { Cookie: cookie },
      status: 401,
      code: 'not_authenticated',
    });
  }
  const odd: Record<string, string>[] = [
    { 'X-Forwarded-For': '1.2.3.4, <script>' },
    { 'X-Forwarded-Proto': 'https' },
    { Accept: 'text/html' },
    { Accept: '*/*;q=abc' },
    { 'X-Auth-Token': 'forged-token' },
    { Authorization: 'Bearer forged-token' },
    { 'Accept-Encoding': 'gzip;q=x, br' },
    { Range: 'bytes=0-10' },
    { 'If-None-Match': '*' },
    { 'X-HTTP-Method-Override': 'DELETE' },
  ];
  for (const headers of odd) {
    probes.push({
      label: `header ${Object.keys(headers)[0]}`,
      method: 'GET',
      path: '/api/token/secret',
      headers: { ...headers, Cookie: 'api-access.sid=none' },
      status: 401,
    });
  }
  return probes;
}

// ------------------------------------------------------------------------------------------------ the test

beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
  app = await startTestApp([demoCloudConfig(demo, 'demo')], { tokenCreationsPerMinute: 1000 });
});
afterAll(async () => {
  agent.destroy();
  await app.close();
  await demo.close();
});

const stackTrace = /(\bat [\w.<>]+ \(|\.(ts|js):\d+:\d+|node_modules|Error: )/;

describe('hostile input', () => {
  it('gets a 4xx with the one error body for every generated request, signed in or not', async () => {
    const anonymous = await openClient(false);
    const signedIn = await openClient(true);
    const probes: { probe: Probe; client: Client }[] = [];
    for (const probe of bodyProbes()) {
      const isSignedIn = bodyEndpoints.find((endpoint) => endpoint.path === probe.path)?.isSignedIn ?? false;
      probes.push({ probe, client: isSignedIn ? signedIn : anonymous });
      // The same malformed body without a session: still a 4xx, whichever check comes first.
      if (isSignedIn)
        probes.push({
          probe: { ...probe, status: undefined, code: undefined, field: undefined },
          client: anonymous,
        });
    }
    for (const probe of [...queryProbes(), ...pathProbes()]) {
      probes.push({ probe, client: signedIn });
      probes.push({
        probe: { ...probe, status: probe.status === 404 ? 404 : undefined, code: undefined },
        client: anonymous,
      });
    }
    for (const probe of headerProbes()) probes.push({ probe, client: { cookie: null, csrfToken: null } });
    expect(probes.length).toBeGreaterThan(500);

    const failures: string[] = [];
    for (let i = 0; i < probes.length; i += 8) {
      const batch = probes.slice(i, i + 8);
      const answers = await Promise.all(batch.map(({ probe, client }) => send(probe, client)));
      answers.forEach((answer, index) => {
        const { probe } = batch[index]!;
        const problem = judge(probe, answer);
        if (problem) failures.push(`${probe.label}: ${problem}`);
      });
    }
    expect(failures).toEqual([]);

    // Still standing, the signed-in session untouched.
    expect((await send({ label: 'after', method: 'GET', path: '/api/token' }, signedIn)).status).toBe(200);
    expect((await send({ label: 'health', method: 'GET', path: '/api/health' }, anonymous)).status).toBe(200);
    expect(app.logs()).not.toContain('"unhandled error"');
  });

  it('keeps non-API paths free of server errors and stack traces', async () => {
    const client: Client = { cookie: null, csrfToken: null };
    for (const path of ['/', '/nope', '/%00', '/%ff', '/..%2f..%2fetc%2fpasswd', '/api', '/api/']) {
      const answer = await send({ label: path, method: 'GET', path }, client);
      expect(answer.status, path).toBeLessThan(500);
      expect(answer.text, path).not.toMatch(stackTrace);
    }
  });
});

function judge(probe: Probe, answer: RawAnswer): string | null {
  if (answer.status >= 500) return `server error ${answer.status} ${answer.text.slice(0, 200)}`;
  if (stackTrace.test(answer.text)) return `stack trace in ${answer.text.slice(0, 200)}`;
  if (answer.status < 400)
    return probe.isSuccessAllowed ? null : `success ${answer.status} for malformed input`;
  if (probe.status !== undefined && answer.status !== probe.status)
    return `status ${answer.status}, wanted ${probe.status}: ${answer.text.slice(0, 200)}`;
  if (!/^application\/json/.test(String(answer.headers['content-type'])))
    return `content type ${answer.headers['content-type']}`;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `body is not JSON: ${answer.text.slice(0, 100)}`;
  }
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return `not the error body: ${answer.text.slice(0, 200)}`;
  if (probe.code !== undefined && parsed.data.error.code !== probe.code)
    return `code ${parsed.data.error.code}, wanted ${probe.code}`;
  // From the raw JSON: a copy through zod would turn a "__proto__" key back into a prototype.
  const fields = (body as { error: { fields?: Record<string, string> } }).error.fields ?? {};
  if (probe.field !== undefined && !Object.hasOwn(fields, probe.field)) {
    return `fields ${JSON.stringify(fields)} do not name ${JSON.stringify(probe.field)}`;
  }
  return null;
}
