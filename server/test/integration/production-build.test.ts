import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const serverDir = path.resolve(import.meta.dirname, '../..');
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-access-build-'));

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

// The production build (npm run build: tsc -p server/tsconfig.build.json) must ship no test code:
// tests live in server/test/, unit tests beside their module are excluded by name.
describe('the production build of the BFF', () => {
  it('holds no test file and imports neither a test runner nor test support', () => {
    const tsc = path.resolve(serverDir, '../node_modules/typescript/bin/tsc');
    execFileSync(
      process.execPath,
      [tsc, '-p', path.join(serverDir, 'tsconfig.build.json'), '--outDir', outDir],
      {
        stdio: 'pipe',
      },
    );
    const files = listFiles(outDir).filter((file) => file.endsWith('.js'));
    expect(files.length).toBeGreaterThan(20);
    expect(files.map((file) => path.relative(outDir, file))).toContain('main.js');
    const offenders = files.filter((file) => {
      if (/\.test\.js$|[\\/]test[\\/]|test-support/.test(path.relative(outDir, file))) return true;
      const text = fs.readFileSync(file, 'utf8');
      return /from ['"](vitest|@playwright\/test|[^'"]*\/test\/[^'"]*|[^'"]*test-support[^'"]*)['"]/.test(
        text,
      );
    });
    expect(offenders).toEqual([]);
  });
});
