import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The BFF of an earlier commit (`--baseline=<ref>`), for before/after figures in one run: its
 * server/ tree taken with `git archive` and compiled beside this tree's node_modules.
 */
export function buildBaseline(repoDir, ref, buildDir) {
  const commit = execFileSync('git', ['-C', repoDir, 'rev-parse', '--short', `${ref}^{commit}`], {
    encoding: 'utf8',
  }).trim();
  const treeDir = path.join(buildDir, `baseline-${commit}`);
  const serverDist = path.join(treeDir, 'server-dist');
  if (!fs.existsSync(path.join(serverDist, 'main.js'))) {
    fs.rmSync(treeDir, { recursive: true, force: true });
    fs.mkdirSync(treeDir, { recursive: true });
    const archive = spawnSync('git', ['-C', repoDir, 'archive', commit, 'server', 'tsconfig.base.json'], {
      maxBuffer: 1 << 28,
    });
    if (archive.status !== 0) throw new Error(`git archive ${ref} failed: ${archive.stderr}`);
    spawnSync('tar', ['-x', '-C', treeDir], { input: archive.stdout });
    spawnSync(
      'npx',
      ['tsc', '-p', path.join(treeDir, 'server/tsconfig.build.json'), '--outDir', serverDist],
      {
        cwd: repoDir,
        encoding: 'utf8',
      },
    );
    if (!fs.existsSync(path.join(serverDist, 'main.js')))
      throw new Error(`the baseline ${ref} did not build`);
  }
  return { ref, commit, serverDist };
}
