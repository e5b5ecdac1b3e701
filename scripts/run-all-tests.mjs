#!/usr/bin/env node
// `npm test`: every suite, then one plain line "N passed, N failed" that sums them all.
// Suites: Vitest (server unit, web unit, server integration against the real lab) and Playwright
// (stories in Debian's Chromium against the real lab). It starts the lab first (installing its
// Debian packages when missing, as root) and leaves it running for the next run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const reports = path.join(root, 'reports');
fs.mkdirSync(reports, { recursive: true });
const vitestReport = path.join(reports, 'vitest.json');
const e2eReport = path.join(reports, 'e2e.json');
for (const file of [vitestReport, e2eReport]) fs.rmSync(file, { force: true });

function run(title, command, args) {
  console.log(`\n=== ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  return result.status ?? 1;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const suites = [];

function count(name, passed, failed, skipped = 0) {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  suites.push(`${name}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
}

// A step that is not a test runner (setup, typecheck) counts as one test: it passes or it fails.
function step(name, command, args) {
  const status = run(name, command, args);
  count(name, status === 0 ? 1 : 0, status === 0 ? 0 : 1);
  return status === 0;
}

const systemReady = step('system packages', 'bash', ['scripts/install-system-deps.sh']);
const labReady = step('OpenStack lab', 'bash', ['e2e/lab/openstack-lab.sh', 'start']);
step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
step('lint (ESLint + Prettier)', 'npm', ['run', '--silent', 'lint']);

run('vitest', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${vitestReport}`,
]);
if (fs.existsSync(vitestReport)) {
  const report = JSON.parse(fs.readFileSync(vitestReport, 'utf8'));
  const failedSuites = report.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  ).length;
  count(
    'vitest',
    report.numPassedTests,
    report.numFailedTests + failedSuites,
    report.numPendingTests + report.numTodoTests,
  );
} else {
  count('vitest (no report: the runner crashed)', 0, 1);
}

if (systemReady && labReady) {
  run('playwright', 'npx', ['playwright', 'test']);
  if (fs.existsSync(e2eReport)) {
    const { stats, errors } = JSON.parse(fs.readFileSync(e2eReport, 'utf8'));
    count(
      'playwright',
      stats.expected + stats.flaky,
      stats.unexpected + (errors?.length ?? 0),
      stats.skipped,
    );
  } else {
    count('playwright (no report: the runner crashed)', 0, 1);
  }
} else {
  count('playwright (not run: the lab or Chromium is missing)', 0, 1);
}

console.log('\n=== summary');
for (const line of suites) console.log(`  ${line}`);
const summary = `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`;
fs.writeFileSync(path.join(reports, 'summary.txt'), `${summary}\n`);
console.log(summary);
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
