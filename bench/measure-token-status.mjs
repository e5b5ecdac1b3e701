import autocannon from 'autocannon';
import { signIn } from './lib/api-session.mjs';

/**
 * Token status: GET /api/token under load, each connection its own signed-in session, with the
 * BFF routed to the demo cloud so every upstream call is counted (stats.requests covers Keystone
 * and Neutron). The countdown is served from the session store alone: the target is 0 calls.
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

function runAutocannon({ url, cookies, connections, durationSeconds }) {
  let nextClient = 0;
  return autocannon({
    url: `${url}/api/token`,
    connections,
    duration: durationSeconds,
    pipelining: 1,
    setupClient: (client) => {
      const cookie = cookies[nextClient % cookies.length];
      nextClient += 1;
      client.setHeaders({ cookie, accept: 'application/json' });
    },
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
  for (const connections of concurrencies) {
    const sessionCookies = cookies.slice(0, connections);
    await runAutocannon({
      url: bff.url,
      cookies: sessionCookies,
      connections,
      durationSeconds: warmupSeconds,
    });
    const upstreamBefore = demoCloud.stats.requests;
    const tokensIssuedBefore = demoCloud.stats.tokensIssued;
    const run = await runAutocannon({ url: bff.url, cookies: sessionCookies, connections, durationSeconds });
    results[`${connections} sessions`] = {
      sessions: connections,
      connections,
      durationSeconds,
      requests: run.requests.total,
      requestsPerSecond: Math.round(run.requests.average),
      latencyMs: { p50: run.latency.p50, p90: run.latency.p90, p99: run.latency.p99, max: run.latency.max },
      non2xx: run.non2xx,
      errors: run.errors,
      upstreamCalls: demoCloud.stats.requests - upstreamBefore,
      tokensIssued: demoCloud.stats.tokensIssued - tokensIssuedBefore,
      target: '0 upstream (Keystone/Neutron) calls',
      holds: demoCloud.stats.requests - upstreamBefore === 0,
      timeouts: run.timeouts,
    };
  }
  return results;
}
