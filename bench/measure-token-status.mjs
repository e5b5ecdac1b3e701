import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { signIn } from './lib/api-session.mjs';

const pollerPath = fileURLToPath(new URL('./lib/poll-token-status.mjs', import.meta.url));

/**
 * Token status: GET /api/token under load, each session signed in on its own and polling on its
 * own connection (lib/poll-token-status.mjs), with the BFF routed to the demo cloud so every
 * upstream call is counted (stats.requests covers Keystone and Neutron). The countdown is served
 * from the session store alone: the targets are 0 upstream calls and 0 failed requests.
 */
export async function signInMany(bff, login, count, concurrency = 10) {
  const sessions = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        sessions.push(await signIn(bff.url, login));
      }
    }),
  );
  return sessions;
}

/** Runs bench/lib/poll-token-status.mjs in its own process; resolves with its JSON report. */
function runPoller({ url, cookies, warmupSeconds, durationSeconds }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [pollerPath], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`token-status poller exited with ${code}`)),
    );
    child.stdin.end(JSON.stringify({ url, cookies, warmupSeconds, durationSeconds, timeoutMs: 10_000 }));
  });
}

export async function measureTokenStatus({
  bff,
  demoCloud,
  login,
  concurrencies,
  durationSeconds,
  warmupSeconds,
}) {
  const maxSessions = Math.max(...concurrencies);
  const tokensBefore = demoCloud.stats.tokensIssued;
  const sessions = await signInMany(bff, login, maxSessions);
  const cookies = sessions.map((session) => session.cookie);
  if (demoCloud.stats.tokensIssued - tokensBefore < maxSessions)
    throw new Error('not every session got its own token');
  const results = {};
  for (const sessionCount of concurrencies) {
    const upstreamBefore = demoCloud.stats.requests;
    const tokensIssuedBefore = demoCloud.stats.tokensIssued;
    const run = await runPoller({
      url: bff.url,
      cookies: cookies.slice(0, sessionCount),
      warmupSeconds,
      durationSeconds,
    });
    const upstreamCalls = demoCloud.stats.requests - upstreamBefore;
    const failed = run.non2xx + run.errors + run.timeouts + run.wrongAnswers;
    results[`${sessionCount} sessions`] = {
      sessions: sessionCount,
      durationSeconds,
      ...run,
      upstreamCalls,
      tokensIssued: demoCloud.stats.tokensIssued - tokensIssuedBefore,
      target: '0 upstream (Keystone/Neutron) calls and 0 failed requests',
      holds: upstreamCalls === 0 && failed === 0,
    };
  }
  return results;
}
