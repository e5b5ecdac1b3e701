import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { keyFileWarnings, loadServerSecrets, ServerSecretsError } from './server-secrets.js';

/** Issue 13 item 5: the session key, where it lives and what is refused. */

const secretA = 'a'.repeat(40);
const secretB = 'b'.repeat(40);

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'api-access-secrets-'));
}

/** The configuration a start with this HOME and DATA_DIR (and nothing else) gets. */
function configFor(env: Record<string, string>) {
  return loadConfig({ HOME: '/nonexistent-home', ...env });
}

describe('server secrets', () => {
  it('generates a key file with 0600 permissions, in a 0700 directory outside DATA_DIR, once, and reuses it', () => {
    const home = tempDir();
    const config = configFor({ HOME: home, DATA_DIR: path.join(home, 'data') });
    expect(config.sessionSecretFile).toBe(path.join(home, '.config', 'api-access', 'session-secret.key'));
    const first = loadServerSecrets(config);
    expect(first).toMatchObject({ keyFile: config.sessionSecretFile, isGenerated: true });
    const second = loadServerSecrets(config);
    expect(second).toEqual({ ...first, isGenerated: false });
    expect(first.secrets[0]!.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(config.sessionSecretFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(config.sessionSecretFile)).mode & 0o777).toBe(0o700);
    expect(fs.existsSync(path.join(home, 'data', 'session-secret.key'))).toBe(false);
    expect(keyFileWarnings(first, config)).toEqual([]);
  });

  it('follows XDG_CONFIG_HOME and SESSION_SECRET_FILE', () => {
    const dir = tempDir();
    expect(configFor({ XDG_CONFIG_HOME: dir }).sessionSecretFile).toBe(
      path.join(dir, 'api-access', 'session-secret.key'),
    );
    // A relative XDG_CONFIG_HOME is invalid (XDG Base Directory spec) and ignored.
    expect(configFor({ XDG_CONFIG_HOME: 'relative' }).sessionSecretFile).toBe(
      '/nonexistent-home/.config/api-access/session-secret.key',
    );
    const file = path.join(dir, 'keys', 'bff.key');
    const config = configFor({ SESSION_SECRET_FILE: file, DATA_DIR: dir });
    expect(config).toMatchObject({ sessionSecretFile: file, legacySessionSecretFile: null });
    expect(loadServerSecrets(config).keyFile).toBe(file);
  });

  it('refuses an empty or short key file with a message that says what to do, and never overwrites it', () => {
    const dir = tempDir();
    for (const content of ['', '\n', 'short-key\n', 'x'.repeat(31)]) {
      const file = path.join(dir, 'session-secret.key');
      fs.writeFileSync(file, content, { mode: 0o600 });
      const config = configFor({ SESSION_SECRET_FILE: file });
      expect(() => loadServerSecrets(config)).toThrow(ServerSecretsError);
      expect(() => loadServerSecrets(config)).toThrow(
        /session-secret\.key holds (nothing|only \d+ characters); a key needs at least 32\. Either delete the file.*openssl rand -base64 48/,
      );
      expect(fs.readFileSync(file, 'utf8')).toBe(content);
    }
  });

  it('still reads a key file left in DATA_DIR by an earlier version, and warns when it sits beside the store with kept passwords', () => {
    const home = tempDir();
    const dataDir = path.join(home, 'data');
    fs.mkdirSync(dataDir);
    const legacy = path.join(dataDir, 'session-secret.key');
    fs.writeFileSync(legacy, `${secretA}\n`, { mode: 0o600 });
    const config = configFor({ HOME: home, DATA_DIR: dataDir });
    const loaded = loadServerSecrets(config);
    expect(loaded).toEqual({ secrets: [secretA], keyFile: legacy, isGenerated: false });
    expect(fs.existsSync(config.sessionSecretFile)).toBe(false);
    const [warning, ...rest] = keyFileWarnings(loaded, config);
    expect(rest).toEqual([]);
    expect(warning).toMatch(/in DATA_DIR, beside the session store, and passwords are kept for reissue/);
    expect(warning).toMatch(/SESSION_SECRET_FILE/);
    // No passwords kept, or a store elsewhere (Redis): nothing to warn about.
    expect(keyFileWarnings(loaded, { ...config, keepPasswordForReissue: false })).toEqual([]);
    expect(keyFileWarnings(loaded, { ...config, sessionStore: 'redis' })).toEqual([]);
    // A short legacy key is refused too.
    fs.writeFileSync(legacy, 'short');
    expect(() => loadServerSecrets(config)).toThrow(/holds only 5 characters/);
  });

  it('warns about a key file other users can read', () => {
    const dir = tempDir();
    const file = path.join(dir, 'open.key');
    fs.writeFileSync(file, secretA, { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    const config = configFor({ SESSION_SECRET_FILE: file, DATA_DIR: path.join(dir, 'data') });
    expect(keyFileWarnings(loadServerSecrets(config), config)).toEqual([
      `The session key ${file} can be read by other users: chmod 600 ${file}`,
    ]);
  });

  it('prefers configured secrets and touches no file', () => {
    const home = tempDir();
    const config = configFor({ HOME: home, SESSION_SECRET: `${secretA},${secretB}` });
    expect(loadServerSecrets(config)).toEqual({
      secrets: [secretA, secretB],
      keyFile: null,
      isGenerated: false,
    });
    expect(fs.readdirSync(home)).toEqual([]);
  });
});
