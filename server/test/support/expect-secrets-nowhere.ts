import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { TestApp } from './test-app.js';

/** Each secret appears in no log line, no file of the app's data dir (the session store) and no answer given. */
export function expectSecretsNowhere(app: TestApp, secrets: string[], answers: string[]): void {
  const logs = app.logs();
  const records = fs
    .readdirSync(app.dataDir)
    .map((file) => fs.readFileSync(path.join(app.dataDir, file)).toString('latin1'))
    .join('\n');
  for (const secret of secrets) {
    expect(logs).not.toContain(secret);
    expect(records).not.toContain(secret);
    for (const answer of answers) expect(answer).not.toContain(secret);
  }
}
