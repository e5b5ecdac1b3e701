#!/usr/bin/env node
/**
 * `npm run bench`: starts what it needs (the real lab if it is down, private production builds of
 * the BFF and SPA, BFF instances, a demo cloud with 10,000 networks, a throwaway Redis), runs every
 * measurement of issue 7 and writes bench/results.json and docs/benchmarks.md.
 * Options: --quick (fewer repetitions, for trying the script), --no-build (reuse bench/tmp/build),
 * --only=login,networks,... (some steps; quick runs only write under bench/tmp).
 * Not part of `npm test`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createBenchProject, listDemoNetworkNames, removeBenchProject } from './lib/lab-bench-project.mjs';
import { ensureLab, startBff, startRedis } from './lib/processes.mjs';
import { measureBrowser } from './measure-browser.mjs';
import { measureLoadClient } from './measure-load-client.mjs';
import { measureLogin } from './measure-login.mjs';
import { measureMemory } from './measure-memory.mjs';
import { measureNetworks } from './measure-networks.mjs';
import { measureSingleFlight } from './measure-single-flight.mjs';
import { measureSpaWeight } from './measure-spa-weight.mjs';
import { measureTokenStatus } from './measure-token-status.mjs';
import { writeReport } from './write-report.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.resolve(benchDir, '..');
const args = new Set(process.argv.slice(2));
const isQuick = args.has('--quick');
const labDir = process.env.OSLAB_DIR ?? '/tmp/api-access-lab';
const EXPECTED_DEMO_NETWORKS = ['demo-net-1', 'demo-net-2', 'demo-net-3', 'public'];

const plan = {
  loginPairs: isQuick ? 6 : 25,
  networkPairs: isQuick ? 5 : 25,
  // ~200 networks: a full list costs Neutron ~0.4 s (more on a loaded box); fewer pairs keep the run short.
  manyNetworkPairs: isQuick ? 3 : 15,
  warmupPairs: isQuick ? 1 : 3,
  cliRuns: isQuick ? 2 : 5,
  benchNetworks: isQuick ? 30 : 200,
  // Issue 6: 200 sessions polling for 60 s.
  tokenStatusSeconds: isQuick ? 5 : 60,
  tokenStatusWarmupSeconds: isQuick ? 1 : 5,
  loadClientSeconds: isQuick ? 5 : 10,
  concurrencies: [50, 200],
  storedSessions: isQuick ? 1000 : 10_000,
  navigations: isQuick ? 3 : 12,
  networkNavigations: isQuick ? 2 : 5,
  demoNetworks: 10_000,
};

function log(message) {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function sh(command, commandArgs, options = {}) {
  return execFileSync(command, commandArgs, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  }).trim();
}

function describeMachine() {
  const cpus = os.cpus();
  const pkg = (name) => {
    const run = spawnSync('dpkg-query', ['-W', '-f', '${Version}', name], { encoding: 'utf8' });
    return run.status === 0 ? run.stdout : null;
  };
  const keystoneConf = path.join(labDir, 'keystone/keystone.conf');
  const rounds = fs.existsSync(keystoneConf)
    ? /password_hash_rounds\s*=\s*(\d+)/.exec(fs.readFileSync(keystoneConf, 'utf8'))
    : null;
  let git = null;
  try {
    git = {
      commit: sh('git', ['-C', repoDir, 'rev-parse', '--short', 'HEAD']),
      isDirty: sh('git', ['-C', repoDir, 'status', '--porcelain', '--untracked-files=no']) !== '',
    };
  } catch {
    /* not a git checkout */
  }
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    os: fs.existsSync('/etc/debian_version')
      ? `Debian ${fs.readFileSync('/etc/debian_version', 'utf8').trim()}`
      : `${os.type()} ${os.release()}`,
    kernel: os.release(),
    node: process.version,
    keystone: pkg('python3-keystone'),
    neutron: pkg('python3-neutron'),
    openstackclient: pkg('python3-openstackclient'),
    redis: pkg('redis-server'),
    keystoneBcryptRounds: rounds ? Number(rounds[1]) : 12,
    git,
  };
}

/** Private production builds, so a concurrent `npm run build` elsewhere cannot swap files mid-run. */
function buildPrivately(buildDir) {
  const webDist = path.join(buildDir, 'web-dist');
  const serverDist = path.join(buildDir, 'server-dist');
  if (
    args.has('--no-build') &&
    fs.existsSync(path.join(serverDist, 'main.js')) &&
    fs.existsSync(path.join(webDist, 'index.html'))
  ) {
    return { webDist, serverDist, built: false };
  }
  const vite = spawnSync(
    'npx',
    ['vite', 'build', '--outDir', webDist, '--emptyOutDir', '--logLevel', 'error'],
    { cwd: repoDir, encoding: 'utf8' },
  );
  if (vite.status !== 0) throw new Error(`vite build failed:\n${vite.stderr}`);
  fs.rmSync(serverDist, { recursive: true, force: true });
  const tsc = spawnSync('npx', ['tsc', '-p', 'server/tsconfig.build.json', '--outDir', serverDist], {
    cwd: repoDir,
    encoding: 'utf8',
  });
  // tsc emits even with type errors in files being edited by others; only a missing entry point is fatal.
  if (!fs.existsSync(path.join(serverDist, 'main.js')))
    throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  return { webDist, serverDist, built: true, tscClean: tsc.status === 0 };
}

async function main() {
  const startedAt = new Date();
  const wallStart = Date.now();
  const tempDir = path.join(benchDir, 'tmp', `run-${process.pid}`);
  fs.mkdirSync(tempDir, { recursive: true, mode: 0o700 });
  const results = {
    startedAt: startedAt.toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    isQuick,
    plan,
    machine: describeMachine(),
    measurements: {},
    // 1-minute load average around each step: other developers' test runs share this machine.
    loadAverage: {},
    errors: {},
  };
  const cleanups = [];
  const only = [...args]
    .find((arg) => arg.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const runStep = async (name, work) => {
    if (only && !only.includes(name)) return;
    const stepStart = Date.now();
    results.loadAverage[name] = { before: os.loadavg()[0] };
    log(`${name}... (load average ${os.loadavg()[0].toFixed(1)})`);
    try {
      results.measurements[name] = await work();
      results.loadAverage[name].after = os.loadavg()[0];
      log(`${name} done in ${((Date.now() - stepStart) / 1000).toFixed(1)} s`);
    } catch (error) {
      const cause =
        error instanceof Error && error.cause
          ? ` (${error.cause.code ?? ''} ${error.cause.message ?? error.cause})`
          : '';
      results.errors[name] = error instanceof Error ? `${error.message}${cause}` : String(error);
      if (process.env.BENCH_DEBUG) console.error(error);
      log(`${name} FAILED: ${results.errors[name]}`);
    }
  };

  try {
    log('building the BFF and the SPA (private copies under bench/tmp/build)');
    const build = buildPrivately(path.join(benchDir, 'tmp', 'build'));
    results.build = { built: build.built, tscClean: build.tscClean ?? null };
    log(`lab: ${ensureLab(repoDir)}`);
    const lab = { ...JSON.parse(fs.readFileSync(path.join(labDir, 'lab.json'), 'utf8')), dir: labDir };

    const { startDemoCloud, demoCloudsYaml } = await import(
      pathToFileURL(path.join(build.serverDist, 'demo-cloud/demo-cloud.js')).href
    );
    const demoCloud = await startDemoCloud({ profile: 'default', networkCount: plan.demoNetworks });
    cleanups.push(() => demoCloud.close());
    const demoCloudsFile = path.join(tempDir, 'demo-clouds.yaml');
    fs.writeFileSync(demoCloudsFile, demoCloudsYaml(demoCloud, 'demo'), { mode: 0o600 });
    const demoLogin = {
      cloud: 'demo',
      username: demoCloud.credentials.username,
      password: demoCloud.credentials.password,
    };
    const labLogin = { cloud: 'lab', username: lab.users.demo.name, password: lab.users.demo.password };

    const sessionSecret = randomBytes(36).toString('base64url');
    const bffOptions = (name, cloudsFile, extraEnv = {}) => ({
      repoDir,
      serverDist: build.serverDist,
      webDist: build.webDist,
      name,
      tempDir,
      cloudsFile,
      sessionSecret,
      extraEnv,
    });
    const labBff = await startBff(bffOptions('bff-lab', lab.cloudsYaml));
    cleanups.push(() => labBff.stop());
    const demoBff = await startBff(bffOptions('bff-demo-sqlite', demoCloudsFile));
    cleanups.push(() => demoBff.stop());

    await runStep('login', () =>
      measureLogin({
        bff: labBff,
        lab,
        pairs: plan.loginPairs,
        warmup: plan.warmupPairs,
        cliRuns: plan.cliRuns,
      }),
    );

    await runStep('networks', async () => {
      const demoUser = {
        username: lab.users.demo.name,
        password: lab.users.demo.password,
        projectName: 'demo',
      };
      const few = await measureNetworks({
        bff: labBff,
        lab,
        user: demoUser,
        pairs: plan.networkPairs,
        warmup: plan.warmupPairs,
        cases: [{ name: 'few (demo project)', limit: 100 }],
      });
      log(`  creating ${plan.benchNetworks} networks in a bench-only project`);
      cleanups.push(() => removeBenchProject(lab));
      const benchUser = await createBenchProject(lab, plan.benchNetworks);
      let many;
      try {
        many = await measureNetworks({
          bff: labBff,
          lab,
          user: benchUser,
          pairs: plan.networkPairs,
          warmup: plan.warmupPairs,
          cases: [
            { name: `~${plan.benchNetworks} (one page)`, limit: 1000, pairs: plan.manyNetworkPairs },
            {
              name: `~${plan.benchNetworks} (paged, limit=50)`,
              limit: 50,
              isPaged: true,
              pairs: plan.manyNetworkPairs,
              alsoOneConnection: true,
            },
          ],
        });
      } finally {
        const removed = await removeBenchProject(lab);
        log(`  removed the bench project: ${JSON.stringify(removed)}`);
      }
      const demoNames = await listDemoNetworkNames(lab);
      if (JSON.stringify(demoNames) !== JSON.stringify(EXPECTED_DEMO_NETWORKS)) {
        throw new Error(
          `after cleanup demo sees ${demoNames.join(', ')} (expected ${EXPECTED_DEMO_NETWORKS.join(', ')})`,
        );
      }
      return { ...few, ...many, demoSeesAfterCleanup: demoNames };
    });

    await runStep('singleFlight', () =>
      measureSingleFlight({ demoBff, demoCloud, demoLogin, labBff, labLogin }),
    );

    await runStep('loadClient', () =>
      measureLoadClient({
        connections: Math.max(...plan.concurrencies),
        durationSeconds: plan.loadClientSeconds,
      }),
    );

    await runStep('tokenStatusSqlite', () =>
      measureTokenStatus({
        bff: demoBff,
        demoCloud,
        login: demoLogin,
        concurrencies: plan.concurrencies,
        durationSeconds: plan.tokenStatusSeconds,
        warmupSeconds: plan.tokenStatusWarmupSeconds,
      }),
    );

    await runStep('tokenStatusRedis', async () => {
      const redis = await startRedis(tempDir);
      const redisBff = await startBff(
        bffOptions('bff-demo-redis', demoCloudsFile, { SESSION_STORE: 'redis', REDIS_URL: redis.url }),
      );
      try {
        return await measureTokenStatus({
          bff: redisBff,
          demoCloud,
          login: demoLogin,
          concurrencies: plan.concurrencies,
          durationSeconds: plan.tokenStatusSeconds,
          warmupSeconds: plan.tokenStatusWarmupSeconds,
        });
      } finally {
        await redisBff.stop();
        await redis.stop();
      }
    });

    await runStep('memory', async () => {
      const memoryBff = await startBff(bffOptions('bff-memory', demoCloudsFile));
      try {
        return await measureMemory({
          serverDist: build.serverDist,
          bff: memoryBff,
          login: demoLogin,
          sessionSecret,
          sessionCount: plan.storedSessions,
        });
      } finally {
        await memoryBff.stop();
      }
    });

    await runStep('spaWeight', () => measureSpaWeight(build.webDist));

    await runStep('browser', () =>
      measureBrowser({
        labBff,
        labLogin,
        demoBff,
        demoLogin,
        navigations: plan.navigations,
        networkNavigations: plan.networkNavigations,
        expectedNetworks: plan.demoNetworks,
      }),
    );
    results.demoCloudStats = { ...demoCloud.stats };
  } catch (error) {
    results.errors.setup = error instanceof Error ? error.stack : String(error);
    log(`setup FAILED: ${results.errors.setup}`);
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    fs.rmSync(tempDir, { recursive: true, force: true });
  }
  results.wallSeconds = Math.round((Date.now() - wallStart) / 1000);
  const resultsFile = path.join(benchDir, isQuick ? 'tmp/results.quick.json' : 'results.json');
  fs.writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  const reportFile = path.join(repoDir, isQuick ? 'bench/tmp/benchmarks.quick.md' : 'docs/benchmarks.md');
  fs.writeFileSync(reportFile, writeReport(results));
  // The repo checks formatting (npm run lint): write the generated files the way Prettier would.
  spawnSync('npx', ['prettier', '--write', '--log-level', 'warn', resultsFile, reportFile], {
    cwd: repoDir,
    stdio: 'inherit',
  });
  log(
    `wrote ${path.relative(repoDir, resultsFile)} and ${path.relative(repoDir, reportFile)} (${results.wallSeconds} s)`,
  );
  if (Object.keys(results.errors).length > 0) process.exitCode = 1;
}

await main();
