import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { resolveLabDir } from '../../server/test/support/lab-facts.js';

/**
 * The deployment of docs/deploy.md, on this machine, for one e2e story: Debian's nginx running a
 * rendered copy of deploy/nginx/api-access.conf (TLS with a certificate from a throwaway CA made
 * now), in front of two BFF replicas (the production build, server/dist, with the settings of
 * deploy/systemd/api-access.env) that share a throwaway Redis; signed in to the real lab.
 * Everything listens on 127.0.0.1, on ports free at start, with its files in one temp dir.
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const siteTemplate = path.join(repoRoot, 'deploy/nginx/api-access.conf');
const envTemplate = path.join(repoRoot, 'deploy/systemd/api-access.env');
const bffMain = path.join(repoRoot, 'server/dist/main.js');
const nginxPath = process.env.NGINX ?? '/usr/sbin/nginx';
const redisServerPath = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
const opensslPath = process.env.OPENSSL ?? '/usr/bin/openssl';
const run = promisify(execFile);

export interface DeploymentOptions {
  /** LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS of both replicas. */
  loginAttemptsPerMinutePerAddress: number;
  /**
   * The name and https port browsers use (PUBLIC_URL of both replicas): a fixed one where Keystone
   * must trust the SSO callback in advance. Default: 127.0.0.1 and a port free at start.
   */
  publicHost?: string;
  httpsPort?: number;
}

export interface Replica {
  readonly port: number;
  /** What nginx names it in its logs: `http://127.0.0.1:<port>`. */
  readonly upstream: string;
  isRunning(): boolean;
  /** As `systemctl stop api-access@<port>` does: SIGTERM, then wait for the exit. */
  stop(): Promise<void>;
}

export interface TlsDeployment {
  /** https://127.0.0.1:<port>/: nginx, terminating TLS. */
  readonly url: string;
  /** http://127.0.0.1:<port>/: nginx's plain HTTP server, which only redirects. */
  readonly httpUrl: string;
  readonly httpsPort: number;
  /** The throwaway CA that signed nginx's certificate (PEM): Node clients verify with it. */
  readonly caCertificate: string;
  readonly replicas: readonly [Replica, Replica];
  /** nginx's error log of the site so far: it names each replica it could not reach. */
  siteErrorLog(): string;
  close(): Promise<void>;
}

export async function startTlsDeployment(options: DeploymentOptions): Promise<TlsDeployment> {
  if (!fs.existsSync(bffMain))
    throw new Error(`No production build at ${bffMain}: run npm run build (playwright's webServer does).`);
  for (const binary of [nginxPath, redisServerPath, opensslPath])
    if (!fs.existsSync(binary))
      throw new Error(`${binary} is missing: run scripts/install-system-deps.sh as root.`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-access-tls-'));
  // nginx's workers (an unprivileged user when nginx starts as root) create their temp files here.
  fs.chmodSync(dir, 0o755);
  const processes: ManagedProcess[] = [];
  const close = async () => {
    for (const child of processes.reverse()) await child.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const certificates = await makeCertificates(dir);
    const [redisPort, httpPort, freeHttpsPort, ...replicaPorts] = await freePorts(5);
    const httpsPort = options.httpsPort ?? freeHttpsPort!;
    const publicHost = options.publicHost ?? '127.0.0.1';

    const redis = new ManagedProcess('redis-server', redisServerPath, [
      ...['--port', String(redisPort), '--bind', '127.0.0.1'],
      ...['--save', '', '--appendonly', 'no', '--dir', dir],
    ]);
    processes.push(redis);
    await redis.waitForOutput('Ready to accept connections');

    const environment = replicaEnvironment({
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      // Shared by both replicas, as the env file of docs/deploy.md is: each opens the other's sessions.
      sessionSecret: randomBytes(36).toString('base64url'),
      loginAttemptsPerMinutePerAddress: options.loginAttemptsPerMinutePerAddress,
      home: dir,
      publicUrl: `https://${publicHost}:${httpsPort}`,
    });
    const replicas = replicaPorts.map((port) => {
      const child = new ManagedProcess(`BFF replica :${port}`, process.execPath, [bffMain], {
        cwd: repoRoot,
        env: { ...environment, PORT: String(port), DATA_DIR: path.join(dir, `replica-${port}`) },
      });
      processes.push(child);
      return { port: port!, child };
    });
    await Promise.all(
      replicas.map(({ port, child }) =>
        child.waitUntil(() => isHttpOk(`http://127.0.0.1:${port}/api/ready`), 'ready (Redis reachable)'),
      ),
    );

    const siteErrorLog = path.join(dir, 'site-error.log');
    fs.writeFileSync(
      path.join(dir, 'api-access.conf'),
      renderSite(fs.readFileSync(siteTemplate, 'utf8'), {
        httpPort: httpPort!,
        httpsPort: httpsPort!,
        replicaPorts: replicas.map(({ port }) => port),
        certificate: certificates.certificate,
        key: certificates.key,
        accessLog: path.join(dir, 'site-access.log'),
        errorLog: siteErrorLog,
      }),
    );
    fs.writeFileSync(path.join(dir, 'nginx.conf'), mainConfig(dir));
    const nginx = new ManagedProcess('nginx', nginxPath, [
      ...['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'nginx-error.log')],
    ]);
    processes.push(nginx);
    const caCertificate = fs.readFileSync(certificates.ca, 'utf8');
    const url = `https://${publicHost}:${httpsPort}`;
    await nginx.waitUntil(
      () => isHttpsOk(`${url}/api/health`, caCertificate),
      'answering over https',
      () => readIfExists(path.join(dir, 'nginx-error.log')),
    );

    const [first, second] = replicas.map(({ port, child }): Replica => ({
      port,
      upstream: `http://127.0.0.1:${port}`,
      isRunning: () => child.isRunning(),
      stop: () => child.stop(),
    }));
    return {
      url,
      httpUrl: `http://127.0.0.1:${httpPort}`,
      httpsPort: httpsPort!,
      caCertificate,
      replicas: [first!, second!],
      siteErrorLog: () => readIfExists(siteErrorLog),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * deploy/systemd/api-access.env as the replicas' whole environment, with what this machine
 * changes: the lab's clouds.yaml, the throwaway Redis and secret, a low per-address sign-in limit
 * the story can reach, and warn-level logs. PORT and DATA_DIR come per replica, as from the unit.
 */
function replicaEnvironment(settings: {
  redisUrl: string;
  sessionSecret: string;
  loginAttemptsPerMinutePerAddress: number;
  home: string;
  publicUrl: string;
}): Record<string, string> {
  const shipped = parseEnvFile(fs.readFileSync(envTemplate, 'utf8'));
  const overrides: Record<string, string> = {
    OS_CLIENT_CONFIG_FILE: path.join(resolveLabDir(), 'clouds.yaml'),
    REDIS_URL: settings.redisUrl,
    SESSION_SECRET: settings.sessionSecret,
    LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS: String(settings.loginAttemptsPerMinutePerAddress),
    LOG_LEVEL: 'warn',
    PUBLIC_URL: settings.publicUrl,
  };
  for (const name of ['OS_CLIENT_CONFIG_FILE', 'REDIS_URL', 'SESSION_SECRET', 'LOG_LEVEL', 'PUBLIC_URL'])
    if (!(name in shipped)) throw new Error(`${envTemplate} no longer sets ${name}: update this test.`);
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: settings.home,
    ...shipped,
    ...overrides,
  };
}

function parseEnvFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)] as const;
    });
  return Object.fromEntries(entries);
}

interface SiteSettings {
  httpPort: number;
  httpsPort: number;
  replicaPorts: number[];
  certificate: string;
  key: string;
  accessLog: string;
  errorLog: string;
}

/**
 * The shipped site with only what differs on a test machine rewritten: addresses and ports, the
 * certificate, the log files, and the redirect target (which must name the test's https port).
 * Each rewrite must match exactly as often as expected, so a change to the shipped file that this
 * test would no longer cover fails here instead of passing silently.
 */
export function renderSite(template: string, site: SiteSettings): string {
  const rewrites: [pattern: RegExp, replacement: string, count: number][] = [
    [/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${site.httpPort};`, 1],
    [/^(\s*)listen 443 ssl http2;$/m, `$1listen 127.0.0.1:${site.httpsPort} ssl http2;`, 1],
    // IPv6 listeners: the test stays on 127.0.0.1.
    [/^\s*listen \[::\]:\d+[^;]*;\n/gm, '', 2],
    [
      /return 301 https:\/\/\$host\$request_uri;/,
      `return 301 https://$host:${site.httpsPort}$request_uri;`,
      1,
    ],
    [/server 127\.0\.0\.1:8081 /, `server 127.0.0.1:${site.replicaPorts[0]} `, 1],
    [/server 127\.0\.0\.1:8082 /, `server 127.0.0.1:${site.replicaPorts[1]} `, 1],
    [/ssl_certificate \/etc\/ssl\/api-access\/fullchain\.pem;/, `ssl_certificate ${site.certificate};`, 1],
    [/ssl_certificate_key \/etc\/ssl\/api-access\/privkey\.pem;/, `ssl_certificate_key ${site.key};`, 1],
    [/access_log \/var\/log\/nginx\/api-access\.access\.log;/, `access_log ${site.accessLog};`, 1],
    [/error_log \/var\/log\/nginx\/api-access\.error\.log;/, `error_log ${site.errorLog} warn;`, 1],
  ];
  let rendered = template;
  for (const [pattern, replacement, count] of rewrites) {
    const found = rendered.match(
      new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`),
    );
    if ((found?.length ?? 0) !== count)
      throw new Error(
        `${siteTemplate}: expected ${count} match(es) of ${pattern}, found ${found?.length ?? 0}`,
      );
    rendered = rendered.replace(pattern, replacement);
  }
  return rendered;
}

/** What Debian's /etc/nginx/nginx.conf gives the site, with every path in the test's dir. */
function mainConfig(dir: string): string {
  const isRoot = process.getuid?.() === 0;
  return [
    // Started as root (as in CI), workers drop to an unprivileged user, as with Debian's www-data.
    ...(isRoot ? ['user nobody nogroup;'] : []),
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/nginx-error.log warn;`,
    'events { worker_connections 256; }',
    'http {',
    '    include /etc/nginx/mime.types;',
    '    default_type application/octet-stream;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
      (kind) => `    ${kind}_temp_path ${dir}/${kind}-temp;`,
    ),
    `    include ${dir}/api-access.conf;`,
    '}',
    '',
  ].join('\n');
}

/** A throwaway CA and a certificate it signed for 127.0.0.1 and localhost, valid one day. */
async function makeCertificates(dir: string): Promise<{ ca: string; certificate: string; key: string }> {
  const ca = path.join(dir, 'ca.crt');
  const caKey = path.join(dir, 'ca.key');
  const certificate = path.join(dir, 'server.crt');
  const key = path.join(dir, 'server.key');
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'];
  await run(opensslPath, [
    ...['req', '-x509', ...newKey, '-keyout', caKey, '-out', ca],
    ...['-subj', '/CN=API Access e2e throwaway CA'],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  ]);
  await run(opensslPath, [
    ...['req', '-x509', ...newKey, '-keyout', key, '-out', certificate, '-CA', ca, '-CAkey', caKey],
    ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    ...['-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature'],
    ...['-addext', 'extendedKeyUsage=serverAuth'],
  ]);
  return { ca, certificate, key };
}

async function freePorts(count: number): Promise<number[]> {
  // Held open together, so that the ports are distinct.
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    }),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

async function isHttpOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

function isHttpsOk(url: string, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = https.get(url, { ca, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
  });
}

function readIfExists(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

/** A child process of the story, with its output kept (capped) to explain a failed start. */
class ManagedProcess {
  private readonly child: ChildProcess;
  private output = '';
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: { cwd?: string; env?: Record<string, string> } = {},
  ) {
    this.child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  waitForOutput(text: string, timeoutMs = 15_000): Promise<void> {
    return this.waitUntil(async () => this.output.includes(text), `printing "${text}"`, undefined, timeoutMs);
  }

  /** Polls `check` until it holds; fails early, with the process's output, if the process exits. */
  async waitUntil(
    check: () => Promise<boolean>,
    what: string,
    moreOutput: () => string = () => '',
    timeoutMs = 30_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.isRunning())
        throw new Error(`${this.name} exited before ${what}:\n${this.output}${moreOutput()}`);
      if (await check()) return;
      if (Date.now() > deadline)
        throw new Error(`${this.name} not ${what} after ${timeoutMs} ms:\n${this.output}${moreOutput()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGTERM (the BFF drains, nginx and Redis stop), SIGKILL after 15 s. */
  async stop(): Promise<void> {
    if (!this.isRunning()) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}
