import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { demoCloudsYaml, startDemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { freePort } from '../support/redis-server.js';
import { drainServer } from '../../src/http/graceful-shutdown.js';

/**
 * Issue 6 "SIGTERM drains in-flight requests": the drain itself on a plain HTTP server with a slow
 * handler, then the real server (main.ts in a child process) signed in through a slow Keystone
 * while SIGTERM arrives.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function get(
  port: number,
  requestPath: string,
  agent?: http.Agent,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: requestPath, agent }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Resolves with the error code of a fresh TCP connection attempt, or "connected". */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

async function startSlowServer(
  delayMs: number,
): Promise<{ server: http.Server; port: number; arrived: Promise<void> }> {
  let onArrival!: () => void;
  const arrived = new Promise<void>((resolve) => (onArrival = resolve));
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') {
      onArrival();
      if (delayMs >= 0) setTimeout(() => res.end('done'), delayMs);
      return; // delayMs < 0: never answers
    }
    res.end('fast');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return { server, port: (server.address() as net.AddressInfo).port, arrived };
}

describe('drainServer', () => {
  it('lets the request in flight finish, refuses new connections, closes idle keep-alive ones', async () => {
    const { server, port, arrived } = await startSlowServer(600);
    // An idle keep-alive connection, as a browser leaves one open.
    const agent = new http.Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    expect((await get(port, '/fast', agent)).text).toBe('fast');

    const inFlight = get(port, '/slow');
    await arrived;
    const started = Date.now();
    const drained = drainServer(server, 5000);
    expect(server.listening).toBe(false);
    expect(await tryConnect(port)).toBe('ECONNREFUSED');

    const answer = await inFlight;
    expect(answer).toEqual({ status: 200, text: 'done' });
    expect(await drained).toEqual({ isForced: false });
    // Closed right after the slow answer: not held open by the idle keep-alive connection.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('cuts the connections left after the deadline', async () => {
    const { server, port, arrived } = await startSlowServer(-1);
    const inFlight = get(port, '/slow').then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code ?? 'error',
    );
    await arrived;
    const started = Date.now();
    expect(await drainServer(server, 300)).toEqual({ isForced: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await inFlight).toBe('ECONNRESET');
  });
});

describe('the real server on SIGTERM', () => {
  it('finishes a sign-in in flight through a slow Keystone, refuses new connections, exits 0', async () => {
    const demo = await startDemoCloud({ profile: 'default' });
    cleanups.push(() => demo.close());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-access-sigterm-'));
    fs.writeFileSync(path.join(dir, 'clouds.yaml'), demoCloudsYaml(demo, 'demo'));
    const port = await freePort();
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--import',
        pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href,
        path.join(root, 'server/src/main.ts'),
      ],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          PORT: String(port),
          HOST: '127.0.0.1',
          DATA_DIR: path.join(dir, 'data'),
          OS_CLIENT_CONFIG_FILE: path.join(dir, 'clouds.yaml'),
          DEMO_CLOUD: 'off',
          LOG_LEVEL: 'info',
          NODE_PATH: path.join(root, 'node_modules'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let logs = '';
    child.stdout.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });

    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    while (!logs.includes('API Access is listening')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${logs}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const csrf = await fetch(`${base}/api/csrf`);
    const cookie = csrf.headers.getSetCookie()[0]!.split(';')[0]!;
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };

    demo.setFault({ kind: 'slow', delayMs: 1500 }, 'keystone');
    const before = demo.stats.requests;
    const signIn = fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrfToken },
      body: JSON.stringify({ cloud: 'demo', password: demo.credentials.password }),
    });
    // The sign-in has reached Keystone (and waits there) before SIGTERM.
    while (demo.stats.requests === before) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await tryConnect(port)).toBe('ECONNREFUSED');

    const answer = await signIn;
    expect(answer.status).toBe(201);
    expect(((await answer.json()) as { cloud: string }).cloud).toBe('demo');
    expect(await exited).toBe(0);
    expect(logs).toContain('"draining"');
    expect(logs).toContain('"stopped"');
    expect(logs).not.toContain('drain timed out');
  }, 40_000);
});
