import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * The only reader of process.env. Every setting has a conventional name and a default that
 * works on a laptop with no configuration at all; each is documented in the README.
 */

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('.data'),
  OS_CLIENT_CONFIG_FILE: z.string().min(1).optional(),
  SESSION_SECRET: z
    .string()
    .optional()
    .refine(
      (value) => value === undefined || value.split(',').every((secret) => secret.trim().length >= 32),
      'every comma-separated secret must be at least 32 characters',
    ),
  SESSION_SECRET_FILE: z.string().min(1).optional(),
  XDG_CONFIG_HOME: z.string().optional(),
  SESSION_STORE: z.enum(['sqlite', 'redis']).optional(),
  REDIS_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_IDLE_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(10_080).default(480),
  SESSION_ABSOLUTE_TIMEOUT_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  KEEP_PASSWORD_FOR_REISSUE: booleanFromEnv.default(true),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  UPSTREAM_KEEP_ALIVE: z.enum(['https', 'always', 'never']).default('https'),
  TOKEN_CREATIONS_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(20),
  LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(30),
  LOGIN_ATTEMPTS_PER_MINUTE_PER_USERNAME: z.coerce.number().int().min(1).max(100_000).default(10),
  SECURE_COOKIES: booleanFromEnv.default(false),
  TRUST_PROXY: z
    .string()
    .default('false')
    .superRefine((value, context) => {
      const problem = trustProxyProblem(value);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    }),
  DEMO_CLOUD: z.enum(['auto', 'on', 'off']).default('auto'),
  STATIC_DIR: z.string().min(1).optional(),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .refine((value) => {
      if (!URL.canParse(value)) return true; // z.url has said so already
      const url = new URL(value);
      return url.pathname === '/' && !url.search && !url.hash && !url.username;
    }, 'must be an origin only, such as https://api-access.example.com (no path, query or user)')
    .optional(),
});

export type SessionStoreKind = 'sqlite' | 'redis';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** clouds.yaml candidates in the standard OpenStack search order; the first that exists wins. */
  cloudsFileCandidates: string[];
  sessionSecrets: string[] | null;
  /**
   * The generated key without SESSION_SECRET: SESSION_SECRET_FILE, else
   * $XDG_CONFIG_HOME/api-access/session-secret.key (~/.config/api-access/… without it): outside
   * DATA_DIR, so a backup of the store does not carry the key that opens it.
   */
  sessionSecretFile: string;
  /**
   * DATA_DIR/session-secret.key, where earlier versions kept the key: still read when it exists
   * (with a warning), unless SESSION_SECRET_FILE names the key. Null when SESSION_SECRET_FILE is set.
   */
  legacySessionSecretFile: string | null;
  sessionStore: SessionStoreKind;
  redisUrl: string | null;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  sessionIdleTimeoutMs: number;
  sessionAbsoluteTimeoutMs: number;
  keepPasswordForReissue: boolean;
  upstreamTimeoutMs: number;
  /** Keep-alive to upstream origins: https only (default), always, never (openstack/upstream-connections.ts). */
  upstreamKeepAlive: 'https' | 'always' | 'never';
  tokenCreationsPerMinute: number;
  /** Sign-in attempts (failed or not) per sliding minute from one client address (req.ip). */
  loginAttemptsPerMinutePerAddress: number;
  /** Sign-in attempts (failed or not) per sliding minute against one username of one cloud. */
  loginAttemptsPerMinutePerUsername: number;
  secureCookies: boolean;
  /** Express "trust proxy": false, a hop count (at most 3), or proxy addresses; never one that trusts everyone. */
  trustProxy: false | number | string;
  demoCloud: 'auto' | 'on' | 'off';
  staticDir: string;
  /**
   * Where browsers reach the BFF (PUBLIC_URL; default http://HOST:PORT). The WebSSO callback is
   * PUBLIC_URL/api/sso/callback: Keystone's `[federation] trusted_dashboard` must list it exactly.
   */
  publicUrl: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const sessionStore = e.SESSION_STORE ?? (e.REDIS_URL ? 'redis' : 'sqlite');
  if (sessionStore === 'redis' && !e.REDIS_URL) {
    throw new ConfigError('Invalid configuration:\n  REDIS_URL: is required when SESSION_STORE=redis');
  }
  const home = env.HOME ?? os.homedir();
  const dataDir = path.resolve(e.DATA_DIR);
  // XDG Base Directory: a relative XDG_CONFIG_HOME is invalid and ignored.
  const configHome =
    e.XDG_CONFIG_HOME && path.isAbsolute(e.XDG_CONFIG_HOME) ? e.XDG_CONFIG_HOME : path.join(home, '.config');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    cloudsFileCandidates: [
      ...(e.OS_CLIENT_CONFIG_FILE ? [path.resolve(e.OS_CLIENT_CONFIG_FILE)] : []),
      path.resolve('clouds.yaml'),
      path.join(home, '.config', 'openstack', 'clouds.yaml'),
      '/etc/openstack/clouds.yaml',
    ],
    sessionSecrets: e.SESSION_SECRET ? e.SESSION_SECRET.split(',').map((secret) => secret.trim()) : null,
    sessionSecretFile: path.resolve(
      e.SESSION_SECRET_FILE ?? path.join(configHome, 'api-access', 'session-secret.key'),
    ),
    legacySessionSecretFile: e.SESSION_SECRET_FILE ? null : path.join(dataDir, 'session-secret.key'),
    sessionStore,
    redisUrl: e.REDIS_URL ?? null,
    logLevel: e.LOG_LEVEL,
    sessionIdleTimeoutMs: e.SESSION_IDLE_TIMEOUT_MINUTES * 60_000,
    sessionAbsoluteTimeoutMs: e.SESSION_ABSOLUTE_TIMEOUT_HOURS * 3_600_000,
    keepPasswordForReissue: e.KEEP_PASSWORD_FOR_REISSUE,
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    upstreamKeepAlive: e.UPSTREAM_KEEP_ALIVE,
    tokenCreationsPerMinute: e.TOKEN_CREATIONS_PER_MINUTE,
    loginAttemptsPerMinutePerAddress: e.LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS,
    loginAttemptsPerMinutePerUsername: e.LOGIN_ATTEMPTS_PER_MINUTE_PER_USERNAME,
    secureCookies: e.SECURE_COOKIES,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    demoCloud: e.DEMO_CLOUD,
    staticDir: path.resolve(e.STATIC_DIR ?? 'web/dist'),
    publicUrl: new URL(e.PUBLIC_URL ?? `http://${hostForUrl(e.HOST)}:${e.PORT}`).origin,
  };
}

/** HOST as a URL host: an IPv6 address in brackets; every address (0.0.0.0, ::) as loopback. */
function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return net.isIPv6(host) ? `[${host}]` : host;
}

function parseTrustProxy(value: string): false | number | string {
  const trimmed = value.trim();
  if (trimmed === 'false' || trimmed === '' || trimmed === '0') return false;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return trimmed;
}

/** One nginx in front is 1; a load balancer before it 2; more layers than this are a mistake. */
const MAX_PROXY_HOPS = 3;
const expressProxyNames = new Set(['loopback', 'linklocal', 'uniquelocal']);
const TRUST_PROXY_HINT =
  'Name the proxies in front of the BFF: a hop count of at most 3 (1 for one nginx in front), ' +
  'their addresses or ranges (10.0.0.5, 10.0.0.0/24), or loopback, linklocal, uniquelocal.';

/**
 * Why a TRUST_PROXY value must not be used, or null. Express believes X-Forwarded-For from every
 * address it trusts; trusting everyone (`true`, `0.0.0.0/0`, `::/0`, `::ffff:0:0/96`, a hop count
 * beyond the proxies there are) lets any client name its own address there, and the sign-in
 * throttle per address then counts whatever the client wrote. Express itself would accept these,
 * and reject a malformed entry only with a stack trace at start: both are refused here, readably.
 * https://expressjs.com/en/guide/behind-proxies.html
 */
export function trustProxyProblem(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === 'false') return null;
  if (trimmed.toLowerCase() === 'true')
    return `never "true": it trusts every client to name its own address in X-Forwarded-For. ${TRUST_PROXY_HINT}`;
  if (/^\d+$/.test(trimmed)) {
    if (Number(trimmed) <= MAX_PROXY_HOPS) return null;
    return (
      `a hop count of at most ${MAX_PROXY_HOPS}: with ${trimmed} the BFF believes addresses that any ` +
      `client can write into X-Forwarded-For before its request reaches the proxies. ${TRUST_PROXY_HINT}`
    );
  }
  for (const entry of trimmed.split(',').map((part) => part.trim())) {
    const problem = trustedEntryProblem(entry);
    if (problem) return `${problem} ${TRUST_PROXY_HINT}`;
  }
  return null;
}

function trustedEntryProblem(entry: string): string | null {
  if (expressProxyNames.has(entry)) return null;
  const [address = '', mask, ...rest] = entry.split('/');
  const family = net.isIP(address);
  const malformed = `"${entry}" is neither an address, a range (address/prefix) nor one of loopback, linklocal, uniquelocal.`;
  if (family === 0 || rest.length > 0) return malformed;
  if (mask === undefined) return null;
  const prefix =
    family === 4 && net.isIPv4(mask) ? netmaskLength(mask) : /^\d+$/.test(mask) ? Number(mask) : null;
  if (prefix === null || prefix > (family === 4 ? 32 : 128)) return malformed;
  // No network of proxies is wider than a /8 (IPv4) or fc00::/7 (IPv6 unique local addresses).
  if (prefix < (family === 4 ? 8 : 7)) {
    const width = prefix === 0 ? '' : ` of a /${prefix}, far wider than any network of proxies,`;
    return `${entry} trusts every client${width} to name its own address in X-Forwarded-For.`;
  }
  if (family === 6) {
    // Express compares an IPv4 client with an IPv6 range as ::ffff:a.b.c.d.
    const range = new net.BlockList();
    range.addSubnet(address, prefix, 'ipv6');
    if (range.check('::ffff:0:0', 'ipv6') && range.check('::ffff:ffff:ffff', 'ipv6'))
      return `${entry} holds every IPv4-mapped address (::ffff:0:0/96): it trusts every IPv4 client to name its own address in X-Forwarded-For.`;
  }
  return null;
}

/** 255.240.0.0 → 12; null for a mask whose ones are not contiguous. */
function netmaskLength(mask: string): number | null {
  const bits = mask
    .split('.')
    .map((octet) => Number(octet).toString(2).padStart(8, '0'))
    .join('');
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : null;
}
