import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Keystone's default bcrypt cost (`[identity] password_hash_rounds`, 12 unless configured). */
export const keystoneDefaultBcryptCost = 12;

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'set-password-cost.py');

/**
 * Makes `demo-cost12`'s stored password hash bcrypt cost 12 (Keystone's default), while the lab's
 * Keystone keeps hashing at cost 4 (OSLAB_FAST_HASH) for every other user and stays running:
 * set-password-cost.py rewrites that one user's hash in keystone.db (see why it works there).
 * Returns whether the hash was already right ("kept") or written ("set").
 */
export function seedDefaultCostHash(labDir: string, userId: string, password: string): 'kept' | 'set' {
  const run = spawnSync('/usr/bin/python3', [script], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      KEYSTONE_DB: path.join(labDir, 'keystone', 'keystone.db'),
      USER_ID: userId,
      USER_PASSWORD: password,
      ROUNDS: String(keystoneDefaultBcryptCost),
    },
  });
  const outcome = run.stdout.trim();
  if (run.status !== 0 || (outcome !== 'kept' && outcome !== 'set')) {
    throw new Error(`set-password-cost.py failed (exit ${run.status}): ${run.stderr.trim().slice(-300)}`);
  }
  return outcome;
}
