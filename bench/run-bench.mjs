#!/usr/bin/env node
/**
 * `npm run bench`: runs every step of the measure modules listed in bench/measures.mjs and writes
 * bench/results.json and docs/benchmarks.md. It only orchestrates: it starts what a selected step
 * asks for, lazily (private production builds of the BFF and SPA, the real lab if it is down and a
 * BFF on it, a demo cloud with 10,000 networks and a BFF on it), records each step's result (which
 * carries its own targets) and stops everything it started.
 * Options: --quick (fewer repetitions, for trying the script), --no-build (reuse bench/tmp/build),
 * --only=login,networks,... (some steps; the lab is only touched when a selected step needs it),
 * --no-lab-start (a lab step fails when the lab is down instead of starting it),
 * --baseline=<git ref> (steps that compare before and after also run the BFF built from that commit,
 * side by side in the same run).
 * Quick and --only runs write under bench/tmp, never over bench/results.json.
 * Not part of `npm test`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeBenchCloudsYaml } from './lib/bench-clouds-yaml.mjs';
import { buildBaseline } from './lib/baseline-build.mjs';
import { ensureLab, startBff, startRedis } from './lib/processes.mjs';
import { measures } from './measures.mjs';
import { writeReportFiles } from './write-report.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.resolve(benchDir, '..');
const args = new Set(process.argv.slice(2));
const isQuick = args.has('--quick');
const labDir = process.env.OSLAB_DIR ?? '/tmp/api-access-lab';
const DEMO_NETWORKS = 10_000;
const baselineRef =
  [...args].find((arg) => arg.startsWith('--baseline='))?.slice('--baseline='.length) ?? null;
const steps = measures.flatMap((measure) => measure.steps);
const only = [...args]
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const unknown = (only ?? []).filter((name) => !steps.some((step) => step.name === name));
if (unknown.length > 0) {
  console.error(
    `unknown step(s): ${unknown.join(', ')}; steps: ${steps.map((step) => step.name).join(', ')}`,
  );
  process.exit(2);
}

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
  // Keystone's uwsgi workers, read from the running lab's command line (left alone otherwise).
  let keystoneUwsgi = null;
  try {
    const pid = fs.readFileSync(path.join(labDir, 'run/keystone.pid'), 'utf8').trim();
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const flag = (name) => {
      const index = cmdline.indexOf(name);
      return index >= 0 ? Number(cmdline[index + 1]) : null;
    };
    keystoneUwsgi = { processes: flag('--processes'), threads: flag('--threads') };
  } catch {
    /* the lab is not running */
  }
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
    keystoneUwsgi,
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

/** Memoizes an async factory: a resource is started the first time a step asks for it. */
function once(factory) {
  let promise = null;
  return () => (promise ??= factory());
}

async function main() {
  const startedAt = new Date();
  const wallStart = Date.now();
  const tempDir = path.join(benchDir, 'tmp', `run-${process.pid}`);
  fs.mkdirSync(tempDir, { recursive: true, mode: 0o700 });
  const selected = steps.filter((step) => !only || only.includes(step.name));
  const results = {
    startedAt: startedAt.toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    isQuick,
    plan: Object.fromEntries(selected.map((step) => [step.name, step.plan?.(isQuick) ?? {}])),
    machine: describeMachine(),
    measurements: {},
    // 1-minute load average around each step: other developers' test runs share this machine.
    loadAverage: {},
    errors: {},
  };
  const cleanups = [];
  const addCleanup = (cleanup) => cleanups.push(cleanup);
  const sessionSecret = randomBytes(36).toString('base64url');

  const build = once(async () => {
    log('building the BFF and the SPA (private copies under bench/tmp/build)');
    const built = buildPrivately(path.join(benchDir, 'tmp', 'build'));
    results.build = { built: built.built, tscClean: built.tscClean ?? null };
    return built;
  });
  const baseline = once(async () => {
    if (!baselineRef) return null;
    log(`building the baseline BFF of ${baselineRef}`);
    results.baseline = buildBaseline(repoDir, baselineRef, path.join(benchDir, 'tmp', 'build'));
    return results.baseline;
  });
  const startBffOn = async (name, cloudsFile, extraEnv = {}, build_ = null) => {
    const { serverDist, webDist } = await build();
    return startBff({
      repoDir,
      serverDist: build_?.serverDist ?? serverDist,
      webDist,
      name,
      tempDir,
      cloudsFile,
      sessionSecret,
      extraEnv,
    });
  };
  const lab = once(async () => {
    log(`lab: ${ensureLab(repoDir, { mayStart: !args.has('--no-lab-start') })}`);
    const labFacts = JSON.parse(fs.readFileSync(path.join(labDir, 'lab.json'), 'utf8'));
    const labConfig = { ...labFacts, dir: labDir, benchCloudsYaml: writeBenchCloudsYaml(labFacts, tempDir) };
    const bff = await startBffOn('bff-lab', labConfig.benchCloudsYaml);
    addCleanup(() => bff.stop());
    const login = {
      cloud: 'lab',
      username: labConfig.users.demo.name,
      password: labConfig.users.demo.password,
    };
    return { lab: labConfig, bff, login };
  });
  const demo = once(async () => {
    const { serverDist } = await build();
    const { startDemoCloud, demoCloudsYaml } = await import(
      pathToFileURL(path.join(serverDist, 'demo-cloud/demo-cloud.js')).href
    );
    const cloud = await startDemoCloud({ profile: 'default', networkCount: DEMO_NETWORKS });
    addCleanup(() => {
      results.demoCloudStats = { ...cloud.stats };
      return cloud.close();
    });
    const cloudsFile = path.join(tempDir, 'demo-clouds.yaml');
    fs.writeFileSync(cloudsFile, demoCloudsYaml(cloud, 'demo'), { mode: 0o600 });
    const bff = await startBffOn('bff-demo-sqlite', cloudsFile);
    addCleanup(() => bff.stop());
    const login = {
      cloud: 'demo',
      username: cloud.credentials.username,
      password: cloud.credentials.password,
    };
    return { cloud, bff, login, cloudsFile, networks: DEMO_NETWORKS };
  });

  try {
    for (const step of selected) {
      const stepStart = Date.now();
      results.loadAverage[step.name] = { before: os.loadavg()[0] };
      log(`${step.name}... (load average ${os.loadavg()[0].toFixed(1)})`);
      try {
        results.measurements[step.name] = await step.run({
          quick: isQuick,
          plan: results.plan[step.name],
          log,
          tempDir,
          sessionSecret,
          addCleanup,
          build,
          lab,
          demo,
          baseline,
          startBff: startBffOn,
          startRedis: () => startRedis(tempDir),
        });
        results.loadAverage[step.name].after = os.loadavg()[0];
        log(`${step.name} done in ${((Date.now() - stepStart) / 1000).toFixed(1)} s`);
      } catch (error) {
        const cause =
          error instanceof Error && error.cause
            ? ` (${error.cause.code ?? ''} ${error.cause.message ?? error.cause})`
            : '';
        results.errors[step.name] = error instanceof Error ? `${error.message}${cause}` : String(error);
        if (process.env.BENCH_DEBUG) console.error(error);
        log(`${step.name} FAILED: ${results.errors[step.name]}`);
      }
    }
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
  const isPartial = isQuick || Boolean(only);
  const suffix = isQuick ? 'quick' : `only-${only?.join('+')}`;
  const resultsFile = isPartial
    ? path.join(benchDir, `tmp/results.${suffix}.json`)
    : path.join(benchDir, 'results.json');
  const reportFile = isPartial
    ? path.join(benchDir, `tmp/benchmarks.${suffix}.md`)
    : path.join(repoDir, 'docs/benchmarks.md');
  writeReportFiles(results, resultsFile, reportFile);
  log(
    `wrote ${path.relative(repoDir, resultsFile)} and ${path.relative(repoDir, reportFile)} (${results.wallSeconds} s)`,
  );
  if (Object.keys(results.errors).length > 0) process.exitCode = 1;
}

await main();
