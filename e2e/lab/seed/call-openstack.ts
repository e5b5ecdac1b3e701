import type { z } from 'zod';

/**
 * Which lab service answered: the seed's caller shows that service's log when a call fails.
 * `federation` is the federation's own Keystone (e2e/lab/federation-lab.sh).
 */
export type LabService = 'keystone' | 'neutron' | 'federation';

/** A call that did not get an expected status. The message never holds a token or a password. */
export class OpenStackCallError extends Error {
  constructor(
    message: string,
    readonly service: LabService,
  ) {
    super(message);
    this.name = 'OpenStackCallError';
  }
}

export interface CallOptions<T> {
  service: LabService;
  /** X-Auth-Token of the caller; absent for token requests. */
  token?: string;
  json?: unknown;
  /** Statuses that count as success (Keystone answers creates with 201, grants with 204). */
  expect: number[];
  /** Parses the JSON answer of a success; without it the body is ignored. */
  schema?: z.ZodType<T>;
  /** Names the call in an error instead of the URL (e.g. which user asked for a token). */
  what?: string;
}

export interface CallResult<T> {
  status: number;
  headers: Headers;
  body: T;
}

// One cold Keystone on a busy 2-core box can take a while for its first answers; a hung call
// must still end the seed.
const callTimeoutMs = 60_000;

/** One REST call to Keystone or Neutron, JSON in and out. */
export async function callOpenStack<T = undefined>(
  method: string,
  url: string,
  options: CallOptions<T>,
): Promise<CallResult<T>> {
  const { service, token, json, expect, schema } = options;
  // The query may name users and projects, never secrets, but it is not needed to locate a failure.
  const what = options.what ?? `${method} ${new URL(url).pathname}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        Accept: 'application/json',
        ...(token === undefined ? {} : { 'X-Auth-Token': token }),
        ...(json === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: AbortSignal.timeout(callTimeoutMs),
    });
  } catch (error) {
    // undici says only "fetch failed"; the cause says why (ECONNREFUSED, a timeout...).
    const cause = (error as Error).cause as { code?: string; message?: string } | undefined;
    const why = cause ? ` (${cause.code ?? cause.message})` : '';
    throw new OpenStackCallError(`${what}: ${(error as Error).message}${why}`, service);
  }
  const text = await response.text();
  if (!expect.includes(response.status)) {
    throw new OpenStackCallError(
      `${what} -> HTTP ${response.status} (expected ${expect.join(' or ')}): ${text.slice(0, 600)}`,
      service,
    );
  }
  if (!schema) return { status: response.status, headers: response.headers, body: undefined as T };
  const parsed = schema.safeParse(text === '' ? undefined : JSON.parse(text));
  if (!parsed.success) {
    throw new OpenStackCallError(
      `${what}: unexpected answer: ${parsed.error.message.slice(0, 600)}`,
      service,
    );
  }
  return { status: response.status, headers: response.headers, body: parsed.data };
}

export interface PasswordScope {
  user: string;
  password: string;
  /** Project name in domain Default. */
  project: string;
  /** Which Keystone (default: the main lab's). */
  service?: 'keystone' | 'federation';
}

/**
 * A project-scoped token by password, from its X-Subject-Token header.
 * https://docs.openstack.org/api-ref/identity/v3/#password-authentication-with-scoped-authorization
 */
export async function issueToken(
  keystoneUrl: string,
  { user, password, project, service = 'keystone' }: PasswordScope,
): Promise<string> {
  const answer = await callOpenStack('POST', `${keystoneUrl}/v3/auth/tokens?nocatalog`, {
    service,
    what: `POST /v3/auth/tokens (${user}@${project})`,
    json: {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: user, domain: { id: 'default' }, password } },
        },
        scope: { project: { name: project, domain: { id: 'default' } } },
      },
    },
    expect: [201],
  });
  const token = answer.headers.get('x-subject-token');
  if (!token)
    throw new OpenStackCallError(`POST /v3/auth/tokens (${user}@${project}): no X-Subject-Token`, service);
  return token;
}

/** Runs `work` over `items` with at most `lanes` at a time (Keystone has 2 uwsgi workers). */
export async function runInLanes<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
}
