import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The secrets that sign session cookies and seal session secrets. From SESSION_SECRET when set
 * (comma-separated for rotation); otherwise a random key generated once into DATA_DIR with 0600
 * permissions, so a restart keeps every session and nobody has to invent a secret to start.
 */
export function loadServerSecrets(configured: string[] | null, dataDir: string): string[] {
  if (configured) return configured;
  const keyFile = path.join(dataDir, 'session-secret.key');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    const existing = fs.readFileSync(keyFile, 'utf8').trim();
    if (existing.length >= 32) return [existing];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const generated = randomBytes(48).toString('base64url');
  // 'wx' fails if another process created it meanwhile; then read theirs.
  try {
    fs.writeFileSync(keyFile, `${generated}\n`, { mode: 0o600, flag: 'wx' });
    return [generated];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return [fs.readFileSync(keyFile, 'utf8').trim()];
  }
}
