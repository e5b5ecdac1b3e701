import { spawnSync } from 'node:child_process';
import { ApiSession } from './lib/api-session.mjs';
import { passwordAuthBody } from './lib/lab-bench-project.mjs';
import { runAlternatingPairs, summarize } from './lib/stats.mjs';

/**
 * Login: POST /api/session through the BFF vs the same POST /v3/auth/tokens straight to
 * Keystone (https://docs.openstack.org/api-ref/identity/v3/#password-authentication-with-scoped-authorization).
 * Each BFF login uses a fresh session whose CSRF token is fetched outside the timing, so no
 * background revocation of a replaced session competes with the next measurement.
 */
export async function measureLogin({ bff, lab, pairs, warmup, cliRuns }) {
  const demo = lab.users.demo;
  const directBody = JSON.stringify(
    passwordAuthBody({ username: demo.name, password: demo.password, projectName: 'demo' }),
  );

  const runBff = async () => {
    const session = new ApiSession(bff.url);
    await session.refreshCsrfToken();
    const start = process.hrtime.bigint();
    const answer = await session.post('/api/session', { cloud: 'lab', password: demo.password });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (answer.status !== 201)
      throw Object.assign(new Error(`BFF login: HTTP ${answer.status}`), {
        isRetryable: answer.status >= 502,
      });
    return ms;
  };
  const runDirect = async () => {
    const start = process.hrtime.bigint();
    const response = await fetch(`${lab.keystoneUrl}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: directBody,
    });
    await response.text();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (response.status !== 201)
      throw Object.assign(new Error(`Keystone login: HTTP ${response.status}`), {
        isRetryable: response.status >= 502,
      });
    return ms;
  };

  const result = await runAlternatingPairs({ warmup, pairs, runA: runBff, runB: runDirect });

  // The whole `openstack token issue` command, as an operator runs it (Python start-up included).
  const cli = [];
  for (let i = 0; i < cliRuns + 1; i += 1) {
    const start = process.hrtime.bigint();
    const run = spawnSync(
      'bash',
      ['-c', `. ${lab.dir}/demo-openrc && exec /usr/bin/openstack token issue -f value -c expires`],
      {
        encoding: 'utf8',
      },
    );
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (run.status !== 0) throw new Error(`openstack token issue failed: ${run.stderr.slice(0, 300)}`);
    if (i > 0) cli.push(ms); // the first run warms the page cache for Python's modules
  }
  return {
    bffMs: result.a,
    keystoneMs: result.b,
    ratio: result.ratio,
    target: '≤ 1.05 (median of per-pair BFF/Keystone ratios)',
    holds: result.ratio.median <= 1.05,
    openstackCliMs: summarize(cli),
    retriedSamples: result.retries,
    cliOverBffRatio: Number((summarize(cli).median / result.a.median).toFixed(2)),
  };
}
