import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const pollerPath = fileURLToPath(new URL('./poll-token-status.mjs', import.meta.url));

/**
 * Runs bench/lib/poll-token-status.mjs in its own process (so the load client does not share the
 * bench's event loop) with `input` ({ url, cookies, warmupSeconds, durationSeconds, timeoutMs?,
 * serverPid? }); resolves with its JSON report.
 */
export function runTokenStatusPoller(input) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [pollerPath], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`token-status poller exited with ${code}`)),
    );
    child.stdin.end(JSON.stringify(input));
  });
}
