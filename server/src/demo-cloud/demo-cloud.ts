import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendText } from './demo-http.js';
import { describeProfile, isDemoProfile, stableHex, type DemoProfile } from './demo-profiles.js';
import { buildDemoIdentities, type DemoWorld } from './demo-world.js';
import { NetworkInventory } from './network-inventory.js';
import { ReceiptRegistry } from './receipt-registry.js';
import { TokenCreationLimiter, TokenRegistry } from './token-registry.js';
import { totpPasscodeAt } from './totp-passcodes.js';
import {
  checkInteger,
  sendRateLimitFault,
  sendStatusFault,
  streamHugeNetworkList,
  withoutPagination,
  type DemoFault,
} from './demo-faults.js';
import { resolveRoute, runRoute, type FaultTarget, type Mount } from './demo-routing.js';

/**
 * An OpenStack-compatible demo cloud: Keystone v3 and v2.0 token APIs and Neutron's network list,
 * on 127.0.0.1 only. It serves `npm start` without a clouds.yaml, the BFF's tests for behaviours a
 * real Keystone 22 will not show on demand (v2.0, 429, clock skew, a missing catalog, faults) and the
 * benchmarks. It never stands in for the real lab in the e2e stories.
 *
 * Profile facts live in demo-profiles.ts; shapes follow ../../../../shared/openstack-lab-notes.md.
 */

export type { DemoProfile } from './demo-profiles.js';
export { demoCloudsYaml } from './demo-clouds-yaml.js';
export type { DemoFault } from './demo-faults.js';

export interface DemoCloudOptions {
  profile?: DemoProfile;
  port?: number;
  networkCount?: number;
  tokenLifetimeSeconds?: number;
  clockSkewSeconds?: number;
  tokenCreationsPerMinute?: number;
  /**
   * Generated services added to the catalog, each in the given regions (names of their own: they
   * serve nothing), so that tests and the bench can size a catalog like a real cloud's.
   */
  extraCatalog?: { services: number; regions: string[] };
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
  /**
   * How a client names the demo user's domain and project for this profile's identity API: v3 by
   * name within the domain, v2.0 (no domains; NHN addresses the tenant by id) by tenant id.
   */
  readonly signInNames: {
    userDomainName: string | null;
    project: { projectName: string; projectDomainName: string } | { projectId: string };
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
      extraCatalog: {
        services: checkInteger('extraCatalog.services', options.extraCatalog?.services ?? 0, 0, 1000),
        regions: options.extraCatalog?.regions ?? [],
      },
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
    signInNames:
      spec.identityApiVersion === '3'
        ? {
            userDomainName: spec.domain.name,
            project: { projectName: spec.projects[0].name, projectDomainName: spec.domain.name },
          }
        : { userDomainName: null, project: { projectId: spec.projects[0].id } },
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
