import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';

/**
 * The secrets that sign session cookies and seal the tokens and kept passwords in the session
 * store. From SESSION_SECRET when set (comma-separated for rotation); otherwise a random key kept in
 * a file with 0600 permissions, generated at the first start, so a restart keeps every session and
 * nobody has to invent a secret to start.
 *
 * The generated key lives outside DATA_DIR by default (SESSION_SECRET_FILE, default
 * $XDG_CONFIG_HOME/api-access/session-secret.key): a backup of DATA_DIR then holds sealed values
 * without the key that opens them. A key file left in DATA_DIR by an earlier version is still read
 * (with a warning at start), so existing deployments keep their sessions.
 */

/** Shorter keys are refused: the key is the only thing between a copy of the store and its passwords. */
export const MIN_SECRET_LENGTH = 32;

export class ServerSecretsError extends Error {}

export interface ServerSecrets {
  /** The first seals and signs; all of them open and verify. */
  secrets: string[];
  /** The key file in use, or null with SESSION_SECRET. */
  keyFile: string | null;
  /** True when this start generated the key file. */
  isGenerated: boolean;
}

export type SecretsConfig = Pick<Config, 'sessionSecrets' | 'sessionSecretFile' | 'legacySessionSecretFile'>;

export function loadServerSecrets(config: SecretsConfig): ServerSecrets {
  if (config.sessionSecrets) return { secrets: config.sessionSecrets, keyFile: null, isGenerated: false };
  const legacy = config.legacySessionSecretFile;
  if (legacy && fs.existsSync(legacy))
    return { secrets: [readKeyFile(legacy)], keyFile: legacy, isGenerated: false };
  const keyFile = config.sessionSecretFile;
  if (fs.existsSync(keyFile)) return { secrets: [readKeyFile(keyFile)], keyFile, isGenerated: false };
  return generateKeyFile(keyFile);
}

/** What main.ts warns about at start: a key beside the store it protects, a key others can read. */
export function keyFileWarnings(
  loaded: ServerSecrets,
  config: Pick<Config, 'dataDir' | 'keepPasswordForReissue' | 'sessionStore'>,
): string[] {
  const { keyFile } = loaded;
  if (!keyFile) return [];
  const warnings: string[] = [];
  if (
    config.keepPasswordForReissue &&
    config.sessionStore === 'sqlite' &&
    isInside(keyFile, config.dataDir)
  ) {
    warnings.push(
      `The session key ${keyFile} is in DATA_DIR, beside the session store, and passwords are kept for ` +
        'reissue (KEEP_PASSWORD_FOR_REISSUE=true): one copy of DATA_DIR (a backup) opens every kept password. ' +
        'Move the key out of DATA_DIR and point SESSION_SECRET_FILE at it (or set SESSION_SECRET), ' +
        'or set KEEP_PASSWORD_FOR_REISSUE=false.',
    );
  }
  try {
    if ((fs.statSync(keyFile).mode & 0o077) !== 0) {
      warnings.push(`The session key ${keyFile} can be read by other users: chmod 600 ${keyFile}`);
    }
  } catch {
    /* it was just read; a race with its removal is not worth a warning */
  }
  return warnings;
}

function readKeyFile(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ServerSecretsError(
      `Cannot read the session key ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
  }
  const key = text.trim();
  if (key.length < MIN_SECRET_LENGTH) {
    throw new ServerSecretsError(
      `The session key ${file} holds ${key.length === 0 ? 'nothing' : `only ${key.length} characters`}; ` +
        `a key needs at least ${MIN_SECRET_LENGTH}. Either delete the file, and a new key is generated at the ` +
        'next start (every session then ends), or write a key of at least 32 random characters into it, ' +
        `for example: openssl rand -base64 48 > ${file} && chmod 600 ${file}`,
    );
  }
  return key;
}

function generateKeyFile(keyFile: string): ServerSecrets {
  try {
    fs.mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new ServerSecretsError(
      `Cannot create the directory of the session key ${keyFile} (${(error as NodeJS.ErrnoException).code ?? 'error'}). ` +
        'Set SESSION_SECRET_FILE to a writable place, or SESSION_SECRET.',
    );
  }
  const generated = randomBytes(48).toString('base64url');
  // 'wx' fails if another process created it meanwhile; then read theirs.
  try {
    fs.writeFileSync(keyFile, `${generated}\n`, { mode: 0o600, flag: 'wx' });
    return { secrets: [generated], keyFile, isGenerated: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return { secrets: [readKeyFile(keyFile)], keyFile, isGenerated: false };
    throw new ServerSecretsError(
      `Cannot write the session key ${keyFile} (${code ?? 'error'}). Set SESSION_SECRET_FILE to a writable place, or SESSION_SECRET.`,
    );
  }
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(path.resolve(dir), path.resolve(file));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
