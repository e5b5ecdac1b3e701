import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: repoRoot });

/** The lint errors of one import line, as if it were written in `file` (under server/src, or `root`). */
async function importErrors(file: string, specifier: string, root = 'server/src'): Promise<string[]> {
  const code = `import * as other from '${specifier}';\nexport const used = other;\n`;
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, root, file) });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'import-x/no-restricted-paths')
    .map((message) => message.message);
}

// The layer rule lives in eslint.config.js + scripts/import-layers.js; `npm run lint` enforces it.
describe('the BFF layers, enforced by lint', () => {
  it.each([
    ['openstack/neutron-extra.ts', '../auth/auth-state.js', 'an upstream client importing the auth layer'],
    ['platform/extra.ts', '../features/tokens/tokens-service.js', 'the platform importing a feature'],
    ['auth/extra.ts', '../http/session-middleware.js', 'the auth layer importing http'],
    ['features/tokens/extra.ts', '../networks/networks-service.js', 'one feature importing another'],
    ['demo-cloud/extra.ts', '../platform/errors.js', 'the demo cloud importing the BFF'],
    ['http/extra.ts', '../demo-cloud/demo-cloud.js', 'the BFF using the demo cloud outside main.ts'],
    ['contract/extra.ts', '../platform/errors.js', 'the shared contract importing the BFF'],
  ])('fails %s importing %s (%s)', async (file, specifier) => {
    expect(await importErrors(file, specifier)).toHaveLength(1);
  });

  it.each([
    ['features/tokens/extra.ts', '../../auth/token-access.js'],
    ['features/tokens/extra.ts', './tokens-service.js'],
    ['auth/extra.ts', '../openstack/keystone/identity-client.js'],
    ['openstack/extra.ts', '../platform/errors.js'],
    ['platform/extra.ts', '../contract/errors.js'],
    ['main.ts', './demo-cloud/demo-cloud.js'],
  ])('lets %s import %s (down a layer)', async (file, specifier) => {
    expect(await importErrors(file, specifier)).toEqual([]);
  });

  it.each([
    ['features/token/extra.ts', '../networks/queries.js'],
    ['lib/extra.ts', '../features/token/queries.js'],
    ['api/extra.ts', '../app/routes.js'],
    ['components/ui/extra.tsx', '../../features/catalog/catalog-page.js'],
  ])('fails web/src/%s importing %s (the SPA layers)', async (file, specifier) => {
    expect(await importErrors(file, specifier, 'web/src')).toHaveLength(1);
  });

  it('lets a web feature import shared queries and UI', async () => {
    expect(await importErrors('features/token/extra.ts', '../../api/session-queries.js', 'web/src')).toEqual(
      [],
    );
    expect(await importErrors('features/token/extra.ts', '../../components/ui/button.js', 'web/src')).toEqual(
      [],
    );
  });
});
