import { spawn } from 'node:child_process';
import { ms, table } from './lib/markdown.mjs';
import { runTokenStatusPoller } from './lib/run-token-status-poller.mjs';

const CPU_PER_REQUEST_MS = 0.5;
const TIMEOUT_MS = 10_000;

/**
 * Why the token-status load is driven by lib/poll-token-status.mjs and not autocannon: both
 * clients put 200 connections on a ten-line Node server that spends 0.5 ms of CPU per request
 * (so it is saturated, as the BFF is under the token-status load), and the server records when it
 * accepted each connection. autocannon's later connections reach the server one per busy turn of
 * its event loop, seconds apart, and their first requests count as 10 s timeouts; the poller's
 * are all open within milliseconds. The figures go in the report beside the BFF's.
 */

const SERVER_SOURCE = `
const http = require('node:http');
const body = JSON.stringify({ id: 'token-id', secondsLeft: 3600, padding: 'x'.repeat(900) });
const acceptedAt = [];
const server = http.createServer((req, res) => {
  const until = performance.now() + ${CPU_PER_REQUEST_MS};
  while (performance.now() < until) {}
  res.setHeader('content-type', 'application/json');
  res.end(body);
});
server.on('connection', () => acceptedAt.push(performance.now()));
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (message) => {
  if (message === 'reset') acceptedAt.length = 0;
  if (message === 'report') process.send({ acceptedAt });
});
`;

function ask(child, message, key) {
  return new Promise((resolve) => {
    const onMessage = (reply) => {
      if (key in reply) {
        child.off('message', onMessage);
        resolve(reply[key]);
      }
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

function acceptSpread(acceptedAt) {
  const first = Math.min(...acceptedAt);
  const offsets = acceptedAt.map((at) => at - first).sort((a, b) => a - b);
  return {
    connectionsAccepted: offsets.length,
    acceptedWithin1s: offsets.filter((offset) => offset <= 1000).length,
    lastAcceptedAfterMs: Math.round(offsets.at(-1) ?? 0),
  };
}

export async function measureLoadClient({ connections, durationSeconds }) {
  const server = spawn(process.execPath, ['-e', SERVER_SOURCE], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    const port = await new Promise((resolve) => server.once('message', (message) => resolve(message.port)));
    const url = `http://127.0.0.1:${port}`;

    const { default: autocannon } = await import('autocannon');
    const cannon = await autocannon({
      url,
      connections,
      duration: durationSeconds,
      pipelining: 1,
      timeout: TIMEOUT_MS / 1000,
    });
    const autocannonRun = {
      requests: cannon.requests.total,
      timeouts: cannon.timeouts,
      errors: cannon.errors,
      latencyMs: { p50: cannon.latency.p50, p99: cannon.latency.p99, max: cannon.latency.max },
      ...acceptSpread(await ask(server, 'report', 'acceptedAt')),
    };

    // autocannon's last connections still arrive after it stops; let them land before the reset.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    server.send('reset');
    const poller = await runTokenStatusPoller({
      url,
      cookies: Array.from({ length: connections }, (_, index) => `session=${index}`),
      warmupSeconds: 0,
      durationSeconds,
      timeoutMs: TIMEOUT_MS,
    });
    const pollerRun = {
      requests: poller.requests,
      timeouts: poller.timeouts,
      errors: poller.errors + poller.non2xx,
      latencyMs: { p50: poller.latencyMs.p50, p99: poller.latencyMs.p99, max: poller.latencyMs.max },
      openAllConnectionsMs: poller.openAllConnectionsMs,
      ...acceptSpread(await ask(server, 'report', 'acceptedAt')),
    };
    return {
      connections,
      durationSeconds,
      cpuPerRequestMs: CPU_PER_REQUEST_MS,
      timeoutSeconds: TIMEOUT_MS / 1000,
      autocannon: autocannonRun,
      poller: pollerRun,
      // Explains a choice of tool: no target.
      targets: [],
      reported: [],
    };
  } finally {
    server.kill();
  }
}

export const steps = [
  {
    name: 'loadClient',
    plan: (quick) => ({ connections: 200, seconds: quick ? 5 : 10 }),
    run: (ctx) => measureLoadClient({ connections: ctx.plan.connections, durationSeconds: ctx.plan.seconds }),
  },
];

export function section({ measurements }) {
  const c = measurements.loadClient;
  if (!c) return null;
  const row = (name, r) => [
    name,
    String(r.requests),
    String(r.timeouts),
    ms(r.latencyMs.max),
    `${r.acceptedWithin1s} of ${r.connectionsAccepted}`,
    ms(r.lastAcceptedAfterMs),
  ];
  return [
    '## Load client: why not autocannon',
    '',
    `The first runs of the token-status load used autocannon and reported ${c.timeoutSeconds} s timeouts at the highest load, while the BFF's own request log showed every request answered well within that. This step shows where they come from. Both clients put ${c.connections} connections for ${c.durationSeconds} s on a ten-line Node server that spends ${c.cpuPerRequestMs} ms of CPU per request, so it is saturated as the BFF is under that load, and the server records when it accepted each connection:`,
    '',
    table(
      [
        'client',
        'requests',
        `timeouts (${c.timeoutSeconds} s)`,
        'max latency',
        'connections accepted within 1 s',
        'last connection accepted after',
      ],
      [
        row('autocannon 8 (in the bench process)', c.autocannon),
        row('poll-token-status.mjs (own process)', c.poller),
      ],
    ),
    '',
    `autocannon's first few dozen connections open at once. The rest reach the server one at a time, seconds apart, while the server's accept queue stays empty (watched with \`ss -ltn\`), so the delay is on the client's side. Each of those first requests is timed from the moment autocannon queued it, so against a saturated server the last connections to open show up as ${c.timeoutSeconds} s timeouts. The poller opens all its connections within milliseconds; its figures are the ones in the token status section.`,
  ].join('\n');
}
