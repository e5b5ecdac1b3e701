import { signIn } from './lib/api-session.mjs';
import { ms, table } from './lib/markdown.mjs';
import { target } from './lib/targets.mjs';
import { runTokenStatusPoller } from './lib/run-token-status-poller.mjs';

const TIMEOUT_MS = 10_000;

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

export async function measureTokenStatus({
  bff,
  demoCloud,
  login,
  store,
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
  const runs = {};
  for (const sessionCount of concurrencies) {
    const upstreamBefore = demoCloud.stats.requests;
    const tokensIssuedBefore = demoCloud.stats.tokensIssued;
    const run = await runTokenStatusPoller({
      url: bff.url,
      cookies: cookies.slice(0, sessionCount),
      warmupSeconds,
      durationSeconds,
      timeoutMs: TIMEOUT_MS,
    });
    runs[`${sessionCount} sessions`] = {
      sessions: sessionCount,
      durationSeconds,
      ...run,
      upstreamCalls: demoCloud.stats.requests - upstreamBefore,
      tokensIssued: demoCloud.stats.tokensIssued - tokensIssuedBefore,
    };
  }
  const data = { store, timeoutSeconds: TIMEOUT_MS / 1000, runs };
  return { ...data, ...targetsOf(data) };
}

export const failedRequests = (r) => r.non2xx + r.errors + (r.timeouts ?? 0) + (r.wrongAnswers ?? 0);

/** Issue 6: the countdown is served from the session store alone: 0 upstream calls, 0 failed requests. */
export function targetsOf(m) {
  return {
    targets: Object.entries(m.runs).map(([name, r]) =>
      target({
        id: name,
        name: `Token status \`GET /api/token\`, ${m.store}, ${name}, ${r.durationSeconds} s`,
        value: r.upstreamCalls,
        unit: 'upstream calls',
        op: '=',
        limit: 0,
        conditions: [{ name: '0 failed requests', holds: failedRequests(r) === 0 }],
        note: `${r.requestsPerSecond} req/s, p50 ${ms(r.latencyMs.p50)}, p99 ${ms(r.latencyMs.p99)}, max ${ms(r.latencyMs.max)}; ${failedRequests(r)} failed in ${r.requests} requests`,
      }),
    ),
    reported: [],
  };
}

const plan = (quick) => ({
  // Issue 6: 200 sessions polling for 60 s.
  concurrencies: [50, 200],
  seconds: quick ? 5 : 60,
  warmupSeconds: quick ? 1 : 5,
});

export const steps = [
  {
    name: 'tokenStatusSqlite',
    plan,
    run: async (ctx) => {
      const { bff, cloud, login } = await ctx.demo();
      return measureTokenStatus({
        bff,
        demoCloud: cloud,
        login,
        store: 'SQLite',
        concurrencies: ctx.plan.concurrencies,
        durationSeconds: ctx.plan.seconds,
        warmupSeconds: ctx.plan.warmupSeconds,
      });
    },
  },
  {
    name: 'tokenStatusRedis',
    plan,
    run: async (ctx) => {
      const { cloud, login, cloudsFile } = await ctx.demo();
      const redis = await ctx.startRedis();
      const bff = await ctx.startBff('bff-demo-redis', cloudsFile, {
        SESSION_STORE: 'redis',
        REDIS_URL: redis.url,
      });
      try {
        return await measureTokenStatus({
          bff,
          demoCloud: cloud,
          login,
          store: 'Redis',
          concurrencies: ctx.plan.concurrencies,
          durationSeconds: ctx.plan.seconds,
          warmupSeconds: ctx.plan.warmupSeconds,
        });
      } finally {
        await bff.stop();
        await redis.stop();
      }
    },
  },
];

export function section({ measurements }) {
  const stores = [measurements.tokenStatusSqlite, measurements.tokenStatusRedis].filter(Boolean);
  if (stores.length === 0) return null;
  const rows = [];
  for (const m of stores) {
    for (const [name, r] of Object.entries(m.runs)) {
      const t = m.targets.find((entry) => entry.id === name);
      rows.push([
        m.store,
        name,
        `${r.durationSeconds} s`,
        String(r.requestsPerSecond),
        ms(r.latencyMs.p50),
        ms(r.latencyMs.p99),
        ms(r.latencyMs.max),
        String(r.requests),
        String(failedRequests(r)),
        String(r.connectionsOpened),
        String(r.upstreamCalls),
        t.holds ? '**yes**' : '**no**',
      ]);
    }
  }
  const maxSessions = Math.max(...stores.flatMap((m) => Object.values(m.runs).map((r) => r.sessions)));
  return [
    '## Token status under load',
    '',
    `Issue 6: ${maxSessions} sessions polling \`GET /api/token\` against one BFF. Each session signs in on its own, then polls on its own keep-alive connection, sending the next request as soon as the answer is in (far more often than the SPA, which reads it about once a minute). The load client (\`bench/lib/poll-token-status.mjs\`) is a separate process; it first opens every session's connection with one request, as tabs that are already open have, then warms up for a few seconds before the measured window. It checks every answer as the SPA reads it: status 200, time left, and the same token id as before; a wrong answer counts as a failure, as do errors and requests unanswered after ${stores[0].timeoutSeconds} s. The BFF is routed to the demo cloud so that every upstream request is counted (its \`stats.requests\` covers Keystone and Neutron). The BFF is one Node process and shares the machine's cores with the client.`,
    '',
    table(
      [
        'store',
        'load',
        'window',
        'req/s',
        'p50',
        'p99',
        'max',
        'requests',
        'failed',
        'connections reopened',
        'upstream calls',
        'holds',
      ],
      rows,
    ),
    '',
    'Every answer comes from the session alone (the countdown is computed from the stored expiry), so the cost is the session middleware: one store read per request and, because sessions are rolling, an expiry update at most once a minute per session.',
  ].join('\n');
}
