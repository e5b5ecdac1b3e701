import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** Everything the bench starts, it stops: by the pid it recorded, never by name. */

export async function findFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitUntil(isReady, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await isReady()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The BFF from a production build (`node <serverDist>/main.js`), as an operator runs it, on a
 * free loopback port with its own DATA_DIR. Logs go to a file in that directory (level info, as
 * in production: the request log is part of the cost being measured).
 */
export async function startBff({
  repoDir,
  serverDist,
  webDist,
  name,
  tempDir,
  cloudsFile,
  sessionSecret,
  extraEnv = {},
}) {
  const port = await findFreePort();
  const dataDir = path.join(tempDir, `${name}-data`);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const logFile = path.join(tempDir, `${name}.log`);
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [path.join(serverDist, 'main.js')], {
    cwd: repoDir,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      OS_CLIENT_CONFIG_FILE: cloudsFile,
      DEMO_CLOUD: 'off',
      LOG_LEVEL: 'info',
      // Every session signs in as the same user: the default budget (20/min per user) would refuse
      // the benchmark's logins, which are deliberate.
      TOKEN_CREATIONS_PER_MINUTE: '1000',
      // Likewise the sign-in throttles (per address, per username): the bench signs in one user
      // hundreds of times a minute from one address, on purpose.
      LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS: '100000',
      LOGIN_ATTEMPTS_PER_MINUTE_PER_USERNAME: '100000',
      SESSION_SECRET: sessionSecret,
      STATIC_DIR: webDist,
      ...extraEnv,
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  let exited = null;
  child.once('exit', (code, signal) => {
    exited = { code, signal };
  });
  await waitUntil(
    async () => {
      if (exited) throw Object.assign(new Error('exited'), { fatal: true });
      return (await fetch(`${url}/api/health`)).ok;
    },
    20_000,
    `BFF ${name}`,
  ).catch((error) => {
    if (exited) throw new Error(`BFF ${name} exited (${JSON.stringify(exited)}); see ${logFile}`);
    throw error;
  });
  return { name, url, pid: child.pid, child, dataDir, logFile, stop: () => stopChild(child) };
}

/** A throwaway Redis: loopback, no persistence. */
export async function startRedis(tempDir) {
  const port = await findFreePort();
  const logFile = path.join(tempDir, 'redis.log');
  const child = spawn(
    '/usr/bin/redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--logfile',
      logFile,
      '--dir',
      tempDir,
    ],
    { stdio: 'ignore' },
  );
  await waitUntil(
    () =>
      new Promise((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write('PING\r\n');
        });
        socket.once('data', (data) => {
          socket.destroy();
          resolve(data.toString().startsWith('+PONG'));
        });
        socket.once('error', () => resolve(false));
      }),
    10_000,
    'redis-server',
  );
  return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid, stop: () => stopChild(child) };
}

export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of a process in KiB (VmRSS in /proc/PID/status). */
export function readRssKib(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

/**
 * The lab is shared with the test suites: when it already answers, leave it exactly as it is
 * (`start` rewrites config and would restart a service someone started with other settings).
 */
export function ensureLab(repoDir, { mayStart = true } = {}) {
  const script = path.join(repoDir, 'e2e/lab/openstack-lab.sh');
  const status = spawnSync('bash', [script, 'status'], { encoding: 'utf8' });
  if (status.status === 0) return 'already running';
  // Someone else may be restarting it: --no-lab-start fails the lab's steps instead of starting it.
  if (!mayStart) throw new Error('the lab is down and --no-lab-start was given');
  const start = spawnSync('bash', [script, 'start'], { stdio: 'inherit' });
  if (start.status !== 0) throw new Error('the lab did not start (bash e2e/lab/openstack-lab.sh start)');
  return 'started';
}
