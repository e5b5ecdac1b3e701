import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify } from 'yaml';
import { sendKeystoneError } from './keystone-errors.js';
import { handleKeystoneV2 } from './keystone-v2-routes.js';
import { handleKeystoneV3 } from './keystone-v3-routes.js';
import {
  BodyTooLargeError,
  sendFlaskNotFound,
  sendKeystoneJson,
  sendText,
  toPythonJson,
} from './demo-http.js';
import { describeProfile, isDemoProfile, stableHex, type DemoProfile } from './demo-profiles.js';
import { buildDemoIdentities, type DemoWorld } from './demo-world.js';
import { NetworkInventory } from './network-inventory.js';
import { handleNeutron, sendNeutronError } from './neutron-routes.js';
import { ReceiptRegistry } from './receipt-registry.js';
import { TokenCreationLimiter, TokenRegistry } from './token-registry.js';
import { totpPasscodeAt } from './totp-passcodes.js';

/**
 * An OpenStack-compatible demo cloud: Keystone v3 and v2.0 token APIs and Neutron's network list,
 * on 127.0.0.1 only. It serves `npm start` without a clouds.yaml, the BFF's tests for behaviours a
 * real Keystone 22 will not show on demand (v2.0, 429, clock skew, a missing catalog, faults) and the
 * benchmarks. It never stands in for the real lab in the e2e stories.
 *
 * Profile facts live in demo-profiles.ts; shapes follow ../../../../shared/openstack-lab-notes.md.
 */

export type { DemoProfile } from './demo-profiles.js';

export type DemoFault =
  | { kind: 'unreachable' } // accept then destroy the socket without answering
  | { kind: 'slow'; delayMs: number } // answer after delayMs
  | { kind: 'status'; status: number } // e.g. 500/502/503 with an HTML or JSON error body
  | { kind: 'non-json' } // 200 with text/html body
  | { kind: 'rate-limit'; retryAfterSeconds: number } // 429 + Retry-After
  // 200 with a JSON network list of `bytes` bytes, streamed (with backpressure) as fast as it is read;
  // `declareLength` sends its Content-Length, otherwise it is chunked. A broken or hostile proxy.
  | { kind: 'huge-body'; bytes: number; declareLength?: boolean }
  // Neutron with pagination switched off (or a proxy that drops the query): `limit`, `marker` and
  // `page_reverse` are ignored and the whole list comes back without networks_links. Neutron only.
  | { kind: 'ignore-limit' };

export interface DemoCloudOptions {
  profile?: DemoProfile;
  port?: number;
  networkCount?: number;
  tokenLifetimeSeconds?: number;
  clockSkewSeconds?: number;
  tokenCreationsPerMinute?: number;
}

export interface DemoCloud {
  readonly url: string;
  readonly authUrl: string;
  readonly profile: DemoProfile;
  readonly identityApiVersion: '3' | '2.0';
  readonly regions: string[];
  readonly credentials: {
    username: string;
    password: string;
    userDomainName: string;
    projectName: string;
    projectId: string;
    userId: string;
    /**
     * A user whose sign-in needs password + TOTP passcode (Keystone's multi_factor_auth_rules
     * [["password","totp"]]), member of the project above only; null on profiles without it.
     */
    mfa: { username: string; password: string; userId: string; totpSecret: string } | null;
    /** The demo user's application credential, bound to the project above; null on profiles without it. */
    applicationCredential: { id: string; name: string; secret: string } | null;
  };
  /** The TOTP passcode the demo Keystone takes now from the mfa user (null without one). */
  currentPasscode(): string | null;
  /** The auth receipts (Openstack-Auth-Receipt) issued so far: secrets a test looks for in logs. */
  issuedReceipts(): string[];
  readonly stats: { tokensIssued: number; tokensRevoked: number; requests: number };
  setFault(fault: DemoFault | null, target?: 'keystone' | 'neutron' | 'all'): void;
  isTokenValid(token: string): boolean;
  close(): Promise<void>;
}

type FaultTarget = 'keystone' | 'neutron';

interface Route {
  target: FaultTarget;
  run: () => void | Promise<void>;
}

type Mount = { kind: 'main' } | { kind: 'region'; region: string };

const host = '127.0.0.1';

export async function startDemoCloud(options: DemoCloudOptions = {}): Promise<DemoCloud> {
  const profile = options.profile ?? 'default';
  if (!isDemoProfile(profile)) throw new TypeError(`Unknown demo profile "${String(profile)}"`);
  const port = checkInteger('port', options.port ?? 0, 0, 65_535);
  const networkCount = checkInteger('networkCount', options.networkCount ?? 5, 0, 100_000);
  const spec = describeProfile(profile);
  const tokenLifetimeSeconds = checkInteger(
    'tokenLifetimeSeconds',
    options.tokenLifetimeSeconds ?? spec.tokenLifetimeSeconds,
    1,
    10 * 365 * 86_400,
  );
  const clockSkewSeconds = checkInteger(
    'clockSkewSeconds',
    options.clockSkewSeconds ?? 0,
    -10 * 365 * 86_400,
    10 * 365 * 86_400,
  );
  const perMinute = options.tokenCreationsPerMinute ?? spec.tokenCreationsPerMinute;
  if (Number.isFinite(perMinute)) checkInteger('tokenCreationsPerMinute', perMinute, 0, 1_000_000);
  spec.tokenCreationsPerMinute = perMinute;

  const registry = new TokenRegistry(clockSkewSeconds);
  const faults: Record<FaultTarget, DemoFault | null> = { keystone: null, neutron: null };
  const pendingTimers = new Set<NodeJS.Timeout>();
  let requests = 0;

  const servers: Server[] = [];
  const listen = async (mount: Mount, listenPort: number): Promise<number> => {
    const server = createServer((req, res) => handleRequest(mount, req, res));
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listenPort, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  };

  let world: DemoWorld | undefined;
  try {
    const mainPort = await listen({ kind: 'main' }, port);
    const url = `http://${host}:${mainPort}`;
    const networkUrls = new Map<string, string>();
    for (const region of spec.regions) {
      if (spec.networkEndpoint.form === 'path-prefix') {
        networkUrls.set(region, `${url}/network/${region}${spec.networkEndpoint.trailingSlash ? '/' : ''}`);
      } else {
        const regionPort = await listen({ kind: 'region', region }, 0);
        networkUrls.set(
          region,
          `http://${host}:${regionPort}${spec.networkEndpoint.trailingSlash ? '/' : ''}`,
        );
      }
    }
    const identities = buildDemoIdentities(spec);
    world = {
      spec,
      url,
      userId: identities.users[0]!.id,
      users: identities.users,
      applicationCredentials: identities.applicationCredentials,
      networkUrls,
      roles: [
        { id: stableHex(`role:${profile}:reader`), name: 'reader' },
        { id: stableHex(`role:${profile}:member`), name: 'member' },
      ],
      tokenLifetimeSeconds,
      registry,
      receipts: new ReceiptRegistry(() => registry.now()),
      limiter: new TokenCreationLimiter(perMinute),
      inventory: new NetworkInventory({
        profile,
        regions: spec.regions,
        projects: spec.projects,
        networkCount,
        tenantMtu: spec.tenantMtu,
        hasVkNetworkFields: spec.hasVkNetworkFields,
      }),
    };
  } catch (error) {
    await closeServers(servers);
    throw error;
  }
  const readyWorld = world;

  function handleRequest(mount: Mount, req: IncomingMessage, res: ServerResponse): void {
    requests += 1;
    let route = resolveRoute(readyWorld, mount, req, res);
    const fault = faults[route.target];
    if (fault === null) return runRoute(route, res);
    if (fault.kind === 'ignore-limit' && route.target === 'neutron') {
      req.url = withoutPagination(req.url ?? '/');
      route = resolveRoute(readyWorld, mount, req, res);
      return runRoute(route, res);
    }
    switch (fault.kind) {
      case 'unreachable':
        // The client sees the connection closed without a response (ECONNRESET / "other side closed").
        req.socket.destroy();
        return;
      case 'slow': {
        // A timer, not a busy wait: other requests keep being served meanwhile.
        const timer = setTimeout(() => {
          pendingTimers.delete(timer);
          runRoute(route, res);
        }, fault.delayMs);
        pendingTimers.add(timer);
        return;
      }
      case 'status':
        return sendStatusFault(res, route.target, fault.status);
      case 'non-json':
        // What a captive portal or a maintenance page in front of the API looks like.
        return sendText(
          res,
          200,
          'text/html; charset=utf-8',
          '<!DOCTYPE html>\n<html><head><title>Scheduled maintenance</title></head>\n<body><h1>Scheduled maintenance</h1><p>The service will be back shortly.</p></body></html>\n',
        );
      case 'rate-limit':
        return sendRateLimitFault(res, route.target, fault.retryAfterSeconds);
      case 'huge-body':
        return streamHugeNetworkList(res, fault.bytes, fault.declareLength ?? false);
      case 'ignore-limit':
        // Keystone has no pagination to switch off.
        return runRoute(route, res);
    }
  }

  const appCredential = readyWorld.applicationCredentials[0];
  return {
    url: readyWorld.url,
    authUrl: `${readyWorld.url}${spec.authUrlSuffix}`,
    profile,
    identityApiVersion: spec.identityApiVersion,
    regions: [...spec.regions],
    credentials: {
      username: spec.username,
      password: spec.password,
      userDomainName: spec.domain.name,
      projectName: spec.projects[0].name,
      projectId: spec.projects[0].id,
      userId: readyWorld.userId,
      mfa: mfaCredentials(readyWorld),
      applicationCredential: appCredential
        ? { id: appCredential.id, name: appCredential.name, secret: appCredential.secret }
        : null,
    },
    currentPasscode() {
      const secret = spec.mfaUser?.totpSecret;
      // The fake Keystone's clock decides, skew included, as a real Keystone's own clock would.
      return secret ? totpPasscodeAt(secret, registry.now()) : null;
    },
    issuedReceipts: () => readyWorld.receipts.ids(),
    stats: {
      get tokensIssued() {
        return registry.tokensIssued;
      },
      get tokensRevoked() {
        return registry.tokensRevoked;
      },
      get requests() {
        return requests;
      },
    },
    setFault(fault, target = 'all') {
      if (fault?.kind === 'slow') checkInteger('delayMs', fault.delayMs, 0, 600_000);
      if (fault?.kind === 'rate-limit') checkInteger('retryAfterSeconds', fault.retryAfterSeconds, 0, 86_400);
      if (fault?.kind === 'status') checkInteger('status', fault.status, 100, 599);
      if (fault?.kind === 'huge-body') checkInteger('bytes', fault.bytes, 64, 64 * 1024 ** 3);
      if (target === 'all' || target === 'keystone') faults.keystone = fault;
      if (target === 'all' || target === 'neutron') faults.neutron = fault;
    },
    isTokenValid: (token) => registry.isValid(token),
    async close() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      await closeServers(servers);
    },
  };
}

function mfaCredentials(world: DemoWorld): DemoCloud['credentials']['mfa'] {
  const user = world.users.find((candidate) => candidate.totpSecret !== null);
  if (!user?.totpSecret) return null;
  return { username: user.name, password: user.password, userId: user.id, totpSecret: user.totpSecret };
}

function resolveRoute(world: DemoWorld, mount: Mount, req: IncomingMessage, res: ServerResponse): Route {
  // Split by hand: `new URL('//v2.0/networks', base)` would read `v2.0` as a host name.
  const rawUrl = req.url ?? '/';
  const queryStart = rawUrl.indexOf('?');
  const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  const query = new URLSearchParams(queryStart === -1 ? '' : rawUrl.slice(queryStart + 1));
  const hostHeader = req.headers.host ?? new URL(world.url).host;

  if (mount.kind === 'region') {
    const mountUrl = `http://${hostHeader}`;
    return {
      target: 'neutron',
      run: () => handleNeutron(world, mount.region, req, res, path, query, mountUrl),
    };
  }
  if (world.spec.networkEndpoint.form === 'path-prefix') {
    const match = /^\/network\/([^/]+)(.*)$/.exec(path);
    const region = match?.[1];
    if (match && region !== undefined && world.spec.regions.includes(region)) {
      const mountUrl = `http://${hostHeader}/network/${region}`;
      return {
        target: 'neutron',
        run: () => handleNeutron(world, region, req, res, match[2] ?? '', query, mountUrl),
      };
    }
  }
  return { target: 'keystone', run: () => routeKeystone(world, req, res, path, query) };
}

function routeKeystone(
  world: DemoWorld,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): void | Promise<void> {
  const { spec } = world;
  if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
    // Keystone's version discovery: 300 Multiple Choices listing the served versions.
    const values = [];
    if (spec.servesV3)
      values.push(versionEntry('v3.14', 'stable', '2020-04-07T00:00:00Z', `${world.url}/v3/`));
    if (spec.servesV2)
      values.push(versionEntry('v2.0', 'deprecated', '2016-08-04T00:00:00Z', `${world.url}/v2.0/`));
    const preferred = spec.servesV3 ? `${world.url}/v3/` : `${world.url}/v2.0/`;
    return sendKeystoneJson(res, 300, { versions: { values } }, { Location: preferred });
  }
  if ((path === '/v3' || path.startsWith('/v3/')) && spec.servesV3)
    return handleKeystoneV3(world, req, res, path, query);
  if ((path === '/v2.0' || path.startsWith('/v2.0/')) && spec.servesV2)
    return handleKeystoneV2(world, req, res, path);
  // Keystone 22 answers an unserved API version (e.g. /v2.0/tokens) with Flask's 404 HTML page.
  return sendFlaskNotFound(res);
}

function versionEntry(id: string, status: string, updated: string, href: string): unknown {
  return {
    id,
    status,
    updated,
    links: [{ rel: 'self', href }],
    'media-types': [
      {
        base: 'application/json',
        type: `application/vnd.openstack.identity-${id === 'v2.0' ? 'v2.0' : 'v3'}+json`,
      },
    ],
  };
}

function runRoute(route: Route, res: ServerResponse): void {
  const onError = (error: unknown): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof BodyTooLargeError) {
      sendKeystoneError(res, 413, 'Request Entity Too Large', 'Request is too large.');
      return;
    }
    sendKeystoneError(
      res,
      500,
      'Internal Server Error',
      'An unexpected error prevented the server from fulfilling your request.',
    );
  };
  try {
    const pending = route.run();
    if (pending) pending.catch(onError);
  } catch (error) {
    onError(error);
  }
}

/**
 * 500 comes from the service itself (its own JSON error shape); 502/503/504 come from the proxy in
 * front of it, as an HTML page. Anything else gets the service's JSON shape.
 */
function sendStatusFault(res: ServerResponse, target: FaultTarget, status: number): void {
  const reason = STATUS_CODES[status] ?? 'Error';
  if (status >= 502 && status <= 504) {
    return sendText(
      res,
      status,
      'text/html',
      `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
    );
  }
  if (target === 'neutron') {
    const message =
      status === 500 ? 'Request Failed: internal server error while processing your request.' : reason;
    return sendNeutronError(res, status, `HTTP${reason.replace(/[^A-Za-z]/g, '')}`, message);
  }
  const message =
    status === 500 ? 'An unexpected error prevented the server from fulfilling your request.' : reason;
  sendKeystoneError(res, status, reason, message);
}

function sendRateLimitFault(res: ServerResponse, target: FaultTarget, retryAfterSeconds: number): void {
  const headers = { 'Retry-After': String(retryAfterSeconds) };
  if (target === 'neutron') {
    return sendNeutronError(res, 429, 'OverLimit', 'Rate limit exceeded: too many requests.', headers);
  }
  sendKeystoneError(res, 429, 'Too Many Requests', 'Rate limit exceeded: too many requests.', { headers });
}

/** The request URL without the query parameters Neutron's pagination reads. */
function withoutPagination(rawUrl: string): string {
  const queryStart = rawUrl.indexOf('?');
  if (queryStart === -1) return rawUrl;
  const query = new URLSearchParams(rawUrl.slice(queryStart + 1));
  for (const name of ['limit', 'marker', 'page_reverse']) query.delete(name);
  const rest = query.toString();
  return `${rawUrl.slice(0, queryStart)}${rest ? `?${rest}` : ''}`;
}

/**
 * A valid Neutron network list of exactly `bytes` bytes, written only as fast as the client reads
 * (res.write backpressure), so the demo itself stays small however large the answer claims to be;
 * it stops when the client goes away.
 */
function streamHugeNetworkList(res: ServerResponse, bytes: number, declareLength: boolean): void {
  const item = toPythonJson({
    id: '00000000-0000-4000-8000-000000000000',
    name: 'padding-network-'.padEnd(200, 'x'),
    tenant_id: '0'.repeat(32),
    admin_state_up: true,
    mtu: 1450,
    status: 'ACTIVE',
    subnets: [],
    shared: false,
    'router:external': false,
    description: 'd'.repeat(200),
    project_id: '0'.repeat(32),
  });
  const head = '{"networks": [';
  const tail = `${item}]}`;
  const piece = `${Array.from({ length: 64 }, () => item).join(', ')}, `;
  res.writeHead(200, {
    'Content-Type': 'application/json',
    ...(declareLength ? { 'Content-Length': String(bytes) } : {}),
  });
  let left = bytes - head.length - tail.length;
  let isGone = false;
  res.on('close', () => {
    isGone = true;
  });
  res.write(head);
  const pump = (): void => {
    while (!isGone && left > 0) {
      // The last piece is whitespace padding: still valid JSON, and the total is exact.
      const next = left >= piece.length ? piece : ' '.repeat(left);
      left -= next.length;
      if (!res.write(next)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!isGone) res.end(tail);
  };
  pump();
}

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

async function closeServers(servers: Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          if (!server.listening) return resolve();
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
}

/**
 * A clouds.yaml document for this demo cloud (https://docs.openstack.org/openstacksdk/latest/user/config/configuration.html).
 * Besides `name` (the demo user), where the profile has them: `${name}-mfa`, the user with a second
 * factor, and `${name}-appcred`, the demo user's application credential by id (auth_type
 * v3applicationcredential). It never contains a password or secret: the operator types them.
 */
export function demoCloudsYaml(cloud: DemoCloud, name = 'demo'): string {
  const { credentials } = cloud;
  // A fresh regions array per entry: a shared one would come out as a YAML anchor and alias.
  const common = () => ({
    region_name: cloud.regions[0],
    regions: [...cloud.regions],
    identity_api_version: cloud.identityApiVersion,
    interface: 'public',
  });
  const passwordAuth = (username: string): Record<string, string> => {
    const auth: Record<string, string> = { auth_url: cloud.authUrl, username };
    if (cloud.identityApiVersion === '3') {
      auth.user_domain_name = credentials.userDomainName;
      auth.project_id = credentials.projectId;
      auth.project_name = credentials.projectName;
      auth.project_domain_name = credentials.userDomainName;
    } else {
      // v2.0 knows no domains; NHN calls the project a tenant and addresses it by id.
      auth.project_id = credentials.projectId;
      auth.project_name = credentials.projectName;
    }
    return auth;
  };
  const clouds: Record<string, unknown> = {
    [name]: { auth: passwordAuth(credentials.username), ...common() },
  };
  if (credentials.mfa) clouds[`${name}-mfa`] = { auth: passwordAuth(credentials.mfa.username), ...common() };
  if (credentials.applicationCredential) {
    clouds[`${name}-appcred`] = {
      auth_type: 'v3applicationcredential',
      auth: { auth_url: cloud.authUrl, application_credential_id: credentials.applicationCredential.id },
      ...common(),
    };
  }
  const header =
    `# API Access demo cloud (profile ${cloud.profile}): a local test double, not a real OpenStack.\n` +
    '# No password or secret here: `npm run demo-cloud` prints them (they are public demo values).\n';
  return header + stringify({ clouds });
}
