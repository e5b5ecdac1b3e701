// The BFF's layers, top to bottom (docs/decisions/0003-layout-by-capability.md). An import may only
// point down; `contract` (the API schemas shared with the SPA) may be imported from any layer and
// imports none. Read by eslint.config.js (import-x/no-restricted-paths); proven by
// server/test/integration/import-layers.test.ts.
import fs from 'node:fs';

const src = './server/src';
const wiring = [`${src}/main.ts`, `${src}/app.ts`];
const layers = ['features', 'http', 'auth', 'openstack', 'config', 'platform'];
function foldersIn(relative) {
  return fs
    .readdirSync(new URL(`../${relative}`, import.meta.url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}

const featureNames = foldersIn('server/src/features');

const above = (index) => [...wiring, ...layers.slice(0, index).map((layer) => `${src}/${layer}`)];

export const serverImportZones = [
  ...layers.map((layer, index) => ({
    target: `${src}/${layer}`,
    from: above(index),
    message: `${layer}/ sits below ${['app', ...layers.slice(0, index)].join(', ')}: move the shared piece down a layer.`,
  })),
  ...featureNames.map((feature) => ({
    target: `${src}/features/${feature}`,
    from: `${src}/features`,
    except: [`./${feature}`],
    message: 'Features never import each other: what two features share moves down to auth/ (or openstack/).',
  })),
  {
    target: `${src}/contract`,
    from: [...wiring, ...layers.map((layer) => `${src}/${layer}`), `${src}/demo-cloud`],
    message: 'The contract imports nothing of the BFF: the SPA imports it too.',
  },
  {
    target: `${src}/demo-cloud`,
    from: [...wiring, ...layers.map((layer) => `${src}/${layer}`), `${src}/contract`],
    message: 'The demo cloud is a program of its own: it imports nothing of the BFF.',
  },
  {
    target: [`${src}/app.ts`, ...layers.map((layer) => `${src}/${layer}`)],
    from: `${src}/demo-cloud`,
    message: 'The BFF uses the demo cloud only from main.ts.',
  },
];

// The SPA's layers (architecture sketch): app -> features -> api -> components -> lib. Features
// never import each other: what two share moves to api/ (queries) or components/ (UI).
const web = './web/src';
const webLayers = ['app', 'features', 'api', 'components', 'lib'];

export const webImportZones = [
  ...webLayers.slice(1).map((layer, index) => ({
    target: `${web}/${layer}`,
    from: webLayers.slice(0, index + 1).map((above) => `${web}/${above}`),
    message: `${layer}/ sits below ${webLayers.slice(0, index + 1).join(', ')}: move the shared piece down.`,
  })),
  ...foldersIn('web/src/features').map((feature) => ({
    target: `${web}/features/${feature}`,
    from: `${web}/features`,
    except: [`./${feature}`],
    message:
      'Features never import each other: what two features share moves to web/src/api/ or components/.',
  })),
];
