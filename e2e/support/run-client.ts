import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Runs what an operator pastes: a shell snippet with Debian's bash, a Python script with Debian's
 * /usr/bin/python3 (python3-openstacksdk). A clean environment and an empty HOME, so no OS_*
 * variable or clouds.yaml of this machine changes what runs; `env` adds what the operator would
 * type at a prompt (OS_PASSWORD).
 */
export interface ClientRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function makeScratchDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'api-access-e2e-client-'));
}

function cleanEnv(home: string, env: Record<string, string>): Record<string, string> {
  return { PATH: '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', ...env };
}

export function runBash(
  script: string,
  options: { cwd?: string; env?: Record<string, string> } = {},
): ClientRun {
  const cwd = options.cwd ?? makeScratchDir();
  const result = spawnSync('/bin/bash', ['-c', script], {
    cwd,
    env: cleanEnv(cwd, { PWD: cwd, ...options.env }),
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function runPython(script: string): ClientRun {
  const home = makeScratchDir();
  const result = spawnSync('/usr/bin/python3', ['-'], {
    cwd: home,
    input: script,
    env: cleanEnv(home, {}),
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
