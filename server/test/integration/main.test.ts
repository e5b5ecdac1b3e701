import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cloudListSchema, type CloudList } from '../../src/contract/clouds.js';
import type { NetworkPage } from '../../src/contract/networks.js';
import { ApiSession } from '../support/api-session.js';

/**
 * `npm start` as a new user meets it: no clouds.yaml anywhere (cwd, ~/.config/openstack, /etc/openstack,
 * no OS_CLIENT_CONFIG_FILE), so main.ts starts the built-in demo cloud and offers it as the only
 * cloud. main.ts runs as a real child process (through tsx) with an environment built from scratch.
 * Configuration mistakes end the process with exit code 2 and a readable message, no stack trace.
 */

const mainFile = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const repoRoot = path.resolve(path.dirname(mainFile), '../..');
// tsx's ESM loader by absolute URL: the child's cwd is an empty temp dir without node_modules.
const tsxLoader = pathToFileURL(path.join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;

interface Child {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `api-access-main-${label}-`));
}

/** A port free right now on 127.0.0.1 (main listens on config.port, not on 0 with a report). */
async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** Starts main.ts with exactly `env` (plus PATH), in `cwd`. */
function startMain(env: Record<string, string>, cwd: string): Child {
  const child = spawn(process.execPath, ['--import', tsxLoader, mainFile], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TSX_TSCONFIG_PATH: path.join(repoRoot, 'server/tsconfig.json'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function waitFor(
  condition: () => boolean,
  what: string,
  child: Child,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (child.process.exitCode !== null) {
      throw new Error(
        `main exited (${child.process.exitCode}) before ${what}:\n${child.stderr()}\n${child.stdout()}`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}:\n${child.stderr()}\n${child.stdout()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function exitWithin(
  child: Child,
  ms: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`main did not exit within ${ms} ms:\n${child.stderr()}`)), ms);
  });
  try {
    return await Promise.race([child.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The environment of a new user: an empty HOME, a fresh data dir, nothing else configured. */
function newUserEnv(port: number | string): { env: Record<string, string>; cwd: string } {
  const home = tempDir('home');
  const cwd = tempDir('cwd');
  return {
    cwd,
    env: {
      HOME: home,
      PORT: String(port),
      DATA_DIR: path.join(cwd, 'data'),
      // No built SPA is needed to test the API; a path that does not exist keeps it off.
      STATIC_DIR: path.join(cwd, 'no-web-dist'),
      LOG_LEVEL: 'info',
    },
  };
}

describe('npm start with no clouds.yaml', () => {
  it('serves the built-in demo cloud as the only cloud, signs in, lists networks, stops on SIGTERM with 0', async () => {
    expect(fs.existsSync('/etc/openstack/clouds.yaml'), 'this machine has a system clouds.yaml').toBe(false);
    const port = await findFreePort();
    const { env, cwd } = newUserEnv(port);
    const child = startMain(env, cwd);
    await waitFor(() => child.stdout().includes('API Access is listening'), 'the listening log line', child);
    expect(child.stdout()).toContain('no clouds.yaml found: serving the built-in demo cloud');

    const api = new ApiSession(`http://127.0.0.1:${port}`);
    const clouds = await api.get<CloudList>('/api/clouds');
    expect(clouds.status).toBe(200);
    expect(cloudListSchema.safeParse(clouds.body).success).toBe(true);
    expect(clouds.body.clouds).toHaveLength(1);
    const [demo] = clouds.body.clouds;
    expect(demo).toMatchObject({
      name: 'demo',
      identityApiVersion: '3',
      demo: { username: 'demo', password: 'demo-pass' },
      defaults: { username: 'demo', projectName: 'demo' },
    });
    // The demo cloud listens on loopback only.
    expect(new URL(demo!.authUrl).hostname).toBe('127.0.0.1');

    const login = await api.post('/api/session', { cloud: 'demo', password: demo!.demo!.password });
    expect(login.status, JSON.stringify(login.body)).toBe(201);
    expect(login.body.project.name).toBe('demo');
    const networks = await api.get<NetworkPage>('/api/networks');
    expect(networks.status, JSON.stringify(networks.body)).toBe(200);
    expect(networks.body.networks.length).toBeGreaterThan(1);
    expect(networks.body.networks.map((network) => network.name)).toContain('public');

    // The generated session key lives outside DATA_DIR (issue 13 item 5), nothing warns about it.
    const keyFile = path.join(env.HOME!, '.config', 'api-access', 'session-secret.key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(env.DATA_DIR!, 'session-secret.key'))).toBe(false);
    expect(child.stdout()).toContain('generated a session key');
    expect(child.stdout()).not.toContain('"level":40');

    // Nothing in the logs that must never be there.
    const token = (await api.get('/api/token/secret')).body.token as string;
    expect(child.stdout() + child.stderr()).not.toContain(token);
    expect(child.stdout() + child.stderr()).not.toContain('demo-pass');

    child.process.kill('SIGTERM');
    const exit = await exitWithin(child, 5_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(child.stdout()).toContain('"stopped"');
  });
});

describe('configuration mistakes', () => {
  it('an invalid clouds.yaml named by OS_CLIENT_CONFIG_FILE: exit 2 with a readable message', async () => {
    const { env, cwd } = newUserEnv(await findFreePort());
    const file = path.join(cwd, 'broken-clouds.yaml');
    fs.writeFileSync(file, 'clouds:\n  lab:\n    auth: [unclosed\n');
    const child = startMain({ ...env, OS_CLIENT_CONFIG_FILE: file }, cwd);
    const exit = await exitWithin(child, 15_000);
    expect(exit.code).toBe(2);
    expect(child.stderr()).toMatch(/^Cannot start: .*broken-clouds\.yaml is not valid YAML/m);
    expect(child.stderr()).not.toMatch(/\n\s+at /);
    // It did not fall back to the demo cloud.
    expect(child.stdout()).not.toContain('demo cloud');
  });

  it('PORT=abc: exit 2 naming PORT', async () => {
    const { env, cwd } = newUserEnv('abc');
    const child = startMain(env, cwd);
    const exit = await exitWithin(child, 15_000);
    expect(exit.code).toBe(2);
    expect(child.stderr()).toMatch(/^Invalid configuration:\n\s+PORT: /m);
    expect(child.stderr()).not.toMatch(/\n\s+at /);
  });

  it('TRUST_PROXY=0.0.0.0/0 (trusts every client): exit 2 saying what to set instead', async () => {
    const { env, cwd } = newUserEnv(0);
    const child = startMain({ ...env, TRUST_PROXY: '0.0.0.0/0' }, cwd);
    const exit = await exitWithin(child, 15_000);
    expect(exit.code).toBe(2);
    expect(child.stderr()).toMatch(
      /^Invalid configuration:\n\s+TRUST_PROXY: 0\.0\.0\.0\/0 trusts every client/m,
    );
    expect(child.stderr()).toContain('1 for one nginx in front');
    expect(child.stderr()).not.toMatch(/\n\s+at /);
  });
});

describe('the session key (issue 13 item 5)', () => {
  it('an empty or short session-secret.key in DATA_DIR: exit 2 saying what to do, the file untouched', async () => {
    for (const content of ['', 'too-short\n']) {
      const { env, cwd } = newUserEnv(await findFreePort());
      fs.mkdirSync(env.DATA_DIR!, { recursive: true });
      const keyFile = path.join(env.DATA_DIR!, 'session-secret.key');
      fs.writeFileSync(keyFile, content, { mode: 0o600 });
      const child = startMain(env, cwd);
      const exit = await exitWithin(child, 15_000);
      expect(exit.code, child.stdout()).toBe(2);
      expect(child.stderr()).toMatch(
        /^Cannot start: The session key .*session-secret\.key holds (nothing|only 9 characters); a key needs at least 32\. Either delete the file/m,
      );
      expect(child.stderr()).not.toMatch(/\n\s+at /);
      expect(fs.readFileSync(keyFile, 'utf8')).toBe(content);
    }
  });

  it('a key left in DATA_DIR by an earlier version still works, with a warning while passwords are kept', async () => {
    const port = await findFreePort();
    const { env, cwd } = newUserEnv(port);
    fs.mkdirSync(env.DATA_DIR!, { recursive: true });
    const keyFile = path.join(env.DATA_DIR!, 'session-secret.key');
    fs.writeFileSync(keyFile, `${'k'.repeat(64)}\n`, { mode: 0o600 });
    const child = startMain(env, cwd);
    await waitFor(() => child.stdout().includes('API Access is listening'), 'the listening log line', child);
    const warning = child
      .stdout()
      .split('\n')
      .find((line) => line.includes('beside the session store'));
    expect(warning, child.stdout()).toBeDefined();
    expect(JSON.parse(warning!)).toMatchObject({ level: 40, keyFile });
    expect(warning).toContain('KEEP_PASSWORD_FOR_REISSUE=true');
    expect(fs.existsSync(path.join(env.HOME!, '.config', 'api-access', 'session-secret.key'))).toBe(false);
    const api = new ApiSession(`http://127.0.0.1:${port}`);
    expect((await api.post('/api/session', { cloud: 'demo', password: 'demo-pass' })).status).toBe(201);
    child.process.kill('SIGTERM');
    expect(await exitWithin(child, 5_000)).toEqual({ code: 0, signal: null });
  });
});
