#!/usr/bin/env node
/**
 * The token-status load client, run as its own process (so its work is not the bench's or the
 * BFF's): each session polls GET /api/token on its own keep-alive connection, the next request
 * as soon as the answer is in (closed loop: the heaviest polling a session can do).
 *
 * Like browser tabs that are already open, every session first opens its connection with one
 * request, then the load warms up, then the measured window starts. Every answer is checked as
 * the SPA would read it: 200, a token with time left, the same token id as before.
 *
 * Input (stdin, JSON): { url, cookies, warmupSeconds, durationSeconds, timeoutMs, serverPid? }.
 * Output (stdout, JSON): counts, latency percentiles, connections opened, and with `serverPid` the
 * CPU time that server process spent in the measured window (user + system, from /proc): CPU per
 * request holds still when other work on the machine takes the cores, where req/s does not.
 */
import fs from 'node:fs';
import http from 'node:http';

const input = JSON.parse(
  await new Promise((resolve) => {
    let text = '';
    process.stdin.on('data', (chunk) => (text += chunk));
    process.stdin.on('end', () => resolve(text));
  }),
);
const { url, cookies, warmupSeconds, durationSeconds, timeoutMs = 10_000, serverPid = null } = input;

/** utime + stime of a process in ms (fields 14 and 15 of /proc/PID/stat, in clock ticks of 10 ms). */
function cpuMsOf(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
const { hostname, port } = new URL(url);

function getToken(agent, cookie) {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { agent, hostname, port, path: '/api/token', headers: { cookie, accept: 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, text, reusedSocket: req.reusedSocket }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', reject);
  });
}

const counts = { requests: 0, non2xx: 0, errors: 0, timeouts: 0, wrongAnswers: 0, connectionsOpened: 0 };
const latencies = [];
const problems = [];
let isRecording = false;

function note(problem) {
  if (problems.length < 10) problems.push(problem);
}

async function poll(session, until) {
  while (Date.now() < until) {
    const started = performance.now();
    let answer;
    try {
      answer = await getToken(session.agent, session.cookie);
    } catch (error) {
      if (isRecording) {
        counts.requests += 1;
        if (error.code === 'TIMEOUT') counts.timeouts += 1;
        else counts.errors += 1;
        note(error.code ?? error.message);
      }
      continue;
    }
    if (!answer.reusedSocket) counts.connectionsOpened += 1;
    if (!isRecording) continue;
    counts.requests += 1;
    latencies.push(performance.now() - started);
    if (answer.status !== 200) {
      counts.non2xx += 1;
      note(`${answer.status} ${answer.text.slice(0, 80)}`);
      continue;
    }
    const { id, secondsLeft } = JSON.parse(answer.text);
    if (!(secondsLeft > 0) || (session.tokenId !== undefined && id !== session.tokenId)) {
      counts.wrongAnswers += 1;
      note(`token ${id} with ${secondsLeft} s left`);
    }
    session.tokenId ??= id;
  }
}

const sessions = cookies.map((cookie) => ({
  cookie,
  agent: new http.Agent({ keepAlive: true, maxSockets: 1 }),
  tokenId: undefined,
}));

// Open every session's connection (one request each), as tabs that are already open have.
const openStarted = performance.now();
await Promise.all(
  sessions.map(async (session) => {
    const answer = await getToken(session.agent, session.cookie);
    if (answer.status !== 200)
      throw new Error(`opening a session's connection: ${answer.status} ${answer.text}`);
    counts.connectionsOpened += 1;
  }),
);
const openMs = performance.now() - openStarted;

await Promise.all(sessions.map((session) => poll(session, Date.now() + warmupSeconds * 1000)));
const connectionsBefore = counts.connectionsOpened;
isRecording = true;
const cpuBefore = serverPid ? cpuMsOf(serverPid) : null;
const startedAt = performance.now();
await Promise.all(sessions.map((session) => poll(session, Date.now() + durationSeconds * 1000)));
const elapsedSeconds = (performance.now() - startedAt) / 1000;
const serverCpuMs = serverPid ? cpuMsOf(serverPid) - cpuBefore : null;
for (const session of sessions) session.agent.destroy();

latencies.sort((a, b) => a - b);
const at = (q) =>
  latencies.length === 0
    ? null
    : Number(latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)].toFixed(1));
process.stdout.write(
  JSON.stringify({
    ...counts,
    connectionsOpened: counts.connectionsOpened - connectionsBefore,
    openAllConnectionsMs: Math.round(openMs),
    requestsPerSecond: Math.round(counts.requests / elapsedSeconds),
    latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) },
    ...(serverPid
      ? { serverCpuMs, serverCpuUsPerRequest: Number(((serverCpuMs * 1000) / counts.requests).toFixed(1)) }
      : {}),
    problems,
  }),
);
