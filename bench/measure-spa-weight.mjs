import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { kib, table, yesNo } from './lib/markdown.mjs';
import { target } from './lib/targets.mjs';

/**
 * SPA weight: the JS and CSS index.html makes the browser load before anything renders
 * (module scripts, modulepreload and stylesheet links), gzip at zlib's default level 6 (what
 * Express' compression and most proxies use). When over the target, the JS source map says which
 * modules the bytes come from.
 */
export function measureSpaWeight(distDir) {
  const html = fs.readFileSync(path.join(distDir, 'index.html'), 'utf8');
  const refs = [
    ...[...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]),
    ...[...html.matchAll(/<link[^>]*\brel="(?:stylesheet|modulepreload)"[^>]*\bhref="([^"]+)"/g)].map(
      (m) => m[1],
    ),
    ...[...html.matchAll(/<link[^>]*\bhref="([^"]+)"[^>]*\brel="(?:stylesheet|modulepreload)"/g)].map(
      (m) => m[1],
    ),
  ];
  const files = [...new Set(refs)].map((ref) => {
    const content = fs.readFileSync(path.join(distDir, ref.replace(/^\//, '')));
    return {
      file: ref,
      kind: ref.endsWith('.css') ? 'css' : 'js',
      rawBytes: content.length,
      gzipBytes: zlib.gzipSync(content).length,
    };
  });
  const total = files.reduce((sum, file) => sum + file.gzipBytes, 0);
  const lazyChunks = fs
    .readdirSync(path.join(distDir, 'assets'))
    .filter((name) => /\.(js|css)$/.test(name) && !files.some((f) => f.file.endsWith(name)));
  const result = {
    files,
    totalRawBytes: files.reduce((sum, file) => sum + file.rawBytes, 0),
    totalGzipBytes: total,
    totalGzipKiB: Number((total / 1024).toFixed(1)),
    lazyChunks: lazyChunks.length,
  };
  const initialJs = files.filter((file) => file.kind === 'js');
  if (initialJs.length > 0)
    result.jsComposition = analyzeSourceMaps(
      initialJs.map((file) => path.join(distDir, file.file.replace(/^\//, ''))),
    );
  return { ...result, ...targetsOf(result) };
}

/**
 * The first load as this step measured it before issue 16 item 5 (commit 6a74717: react-router 7,
 * and ten small chunks the first screen shares with on-demand pages), for the report's before/after.
 */
const BEFORE = { commit: '6a74717', totalGzipKiB: 133.5, files: 15 };

/** Issues 7 and 16: the first load (initial JS + CSS, gzip) at most 120 KiB. */
export function targetsOf(w) {
  return {
    targets: [
      target({
        id: 'gzip',
        name: 'SPA weight: initial JS + CSS, gzip',
        value: w.totalGzipKiB,
        unit: 'KiB',
        op: '≤',
        limit: 120,
        note: `${w.files.length} files, ${kib(w.totalRawBytes)} raw; before issue 16: ${BEFORE.totalGzipKiB} KiB in ${BEFORE.files} files (commit ${BEFORE.commit})`,
      }),
    ],
    reported: [],
  };
}

export const steps = [
  {
    name: 'spaWeight',
    run: async (ctx) => measureSpaWeight((await ctx.build()).webDist),
  },
];

const LIBRARIES = [
  'react-dom',
  'react-router',
  'zod',
  '@tanstack/query-core',
  'react',
  'scheduler',
  '@tanstack/react-query',
];

export function section({ measurements }) {
  const w = measurements.spaWeight;
  if (!w) return null;
  const t = w.targets.find((entry) => entry.id === 'gzip');
  const lines = [
    '## SPA weight',
    '',
    table(
      ['file (from index.html)', 'raw', 'gzip (zlib level 6)'],
      w.files.map((f) => [`\`${f.file}\``, kib(f.rawBytes), kib(f.gzipBytes)]),
    ),
    '',
    `Total **${kib(w.totalGzipBytes)}** gzip against a target of ${t.limit} ${t.unit}: ${yesNo(t.holds)}. Lazily loaded chunks: ${w.lazyChunks}.`,
    '',
    `Before issue 16 this step measured ${BEFORE.totalGzipKiB} KiB in ${BEFORE.files} files (commit ${BEFORE.commit}). Since then: wouter instead of react-router 7 (about 13 KiB gzip of the vendor chunk down to about 2.5: the app needs paths, links, a redirect and search parameters, none of react-router's data APIs; docs/decisions/0017-wouter-for-the-first-load.md), and one \`shared\` chunk for the app modules that the first screen and the on-demand pages both import, where Rolldown made ten small ones that compressed worse apart (vite.config.ts).`,
  ];
  const c = w.jsComposition;
  if (c?.groups) {
    lines.push(
      '',
      `What the first load's JS is made of (${c.files?.length ?? 1} chunks; bytes attributed through their source maps, the way source-map-explorer does; "gzip alone" is that part compressed on its own, an estimate of its share of the transfer):`,
      '',
      table(
        ['part', 'raw', 'share', 'gzip alone', 'largest files'],
        c.groups.slice(0, 14).map((g) => [
          `\`${g.group}\``,
          kib(g.rawBytes),
          `${g.shareOfRaw} %`,
          kib(g.gzipAloneBytes),
          g.topFiles
            .slice(0, 3)
            .map((f) => `${f.file.split('/').slice(-2).join('/')} ${kib(f.rawBytes)}`)
            .join(', '),
        ]),
      ),
    );
  }
  if (!t.holds && c?.groups) {
    const find = (name) => c.groups.find((g) => g.group === name);
    const gzip = (name) => (find(name) ? kib(find(name).gzipAloneBytes) : '?');
    const part = (name) => (find(name) ? `${name} ${gzip(name)}` : null);
    const libGzip = LIBRARIES.map(find)
      .filter(Boolean)
      .reduce((sum, g) => sum + g.gzipAloneBytes, 0);
    const zod = find('zod');
    lines.push(
      '',
      `**Target missed: why.** The libraries alone come to about ${kib(libGzip)} gzip (${[part('react-dom'), part('react-router'), part('zod'), part('@tanstack/query-core')].filter(Boolean).join(', ')}), before any of the app's own code. What was done (docs/decisions/0007-contract-in-zod-mini.md):`,
      '',
      `1. **zod**${zod ? ` (${kib(zod.gzipAloneBytes)} gzip)` : ' (too small now to be listed among the libraries)'}: the contract the SPA validates answers with is written with \`zod/mini\` through a namespace import, so only the checks it uses ship (classic zod, whose \`z\` object cannot be tree-shaken, shipped all of it).`,
      `2. **Code splitting:** the catalog, networks and project-picker pages load on demand; the sign-in and API access pages, what an operator opens first, stay in the first load. Russian words load when Russian is chosen (before the first render for a reader who chose it), and the libraries share one vendor chunk.`,
      `3. **Declarative routing** (docs/decisions/0008-declarative-router-and-languages-on-demand.md): \`BrowserRouter\` + \`useRoutes\` instead of the data router. The app uses no loaders or actions, whose data APIs weighed on the first load.`,
      `4. **What is left** (${(t.value - t.limit).toFixed(1)} ${t.unit} over the target) is mostly the stack itself: react-dom (${gzip('react-dom')} gzip, the floor of any React 19 SPA), react-router 7 (${gzip('react-router')}) and TanStack Query. The rest could come from splitting the API access page's secondary parts (the openrc and clouds.yaml generators, the issued-tokens list) and the openrc reader of the sign-in page into on-demand chunks; not done, as each would add a fetch to an operator's first click for a small share of the weight.`,
    );
  }
  return lines.join('\n');
}

// ----------------------------------------------------------------------------- source-map breakdown

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUE = new Map([...BASE64].map((char, index) => [char, index]));

function decodeVlqSegment(segment) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64_VALUE.get(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** Groups a source path into a package (node_modules/<pkg> or <@scope/pkg>) or a project folder. */
function groupOf(source) {
  const normalized = source.replace(/\\/g, '/');
  const nodeModules = normalized.lastIndexOf('node_modules/');
  if (nodeModules >= 0) {
    const parts = normalized.slice(nodeModules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const contract = /server\/src\/contract\//.exec(normalized);
  if (contract) return 'server/src/contract (shared zod schemas)';
  // Vite's root is web/, so the SPA's own sources appear as ../../src/... in the map.
  const web = /(?:^|\/)src\/(.*)$/.exec(normalized);
  if (web) {
    const parts = web[1].split('/');
    return `web/src/${parts.slice(0, Math.min(2, parts.length - 1)).join('/') || parts[0]}`;
  }
  return normalized.replace(/^(\.\.\/)+/, '');
}

/**
 * Attributes every byte of the generated files (the first load's chunks) to the source its mapping
 * segment names, the way source-map-explorer does. "gzip alone" is that group's bytes gzipped on
 * their own: an estimate of its share of the transfer, not additive to the exact total.
 */
export function analyzeSourceMaps(jsFiles) {
  const chunks = new Map();
  const bySource = new Map();
  const add = (group, text, source = null) => {
    if (!text) return;
    if (source !== null) {
      const bytes = bySource.get(source) ?? { group, bytes: 0 };
      bytes.bytes += Buffer.byteLength(text);
      bySource.set(source, bytes);
    }
    const list = chunks.get(group) ?? [];
    list.push(text);
    chunks.set(group, list);
  };
  let totalRaw = 0;
  for (const jsFile of jsFiles) {
    const code = fs.readFileSync(jsFile, 'utf8');
    totalRaw += Buffer.byteLength(code);
    // The bundler's tiny runtime chunk comes without a map.
    if (fs.existsSync(`${jsFile}.map`))
      attribute(code, JSON.parse(fs.readFileSync(`${jsFile}.map`, 'utf8')), add);
    else add('(no source map)', code);
  }
  const groups = [...chunks.entries()]
    .map(([group, texts]) => {
      const text = texts.join('');
      return { group, rawBytes: Buffer.byteLength(text), gzipAloneBytes: zlib.gzipSync(text).length };
    })
    .sort((a, b) => b.rawBytes - a.rawBytes)
    .map((entry) => ({
      ...entry,
      shareOfRaw: Number(((entry.rawBytes / totalRaw) * 100).toFixed(1)),
      topFiles: [...bySource.entries()]
        .filter(([, value]) => value.group === entry.group)
        .sort((a, b) => b[1].bytes - a[1].bytes)
        .slice(0, 4)
        .map(([source, value]) => ({
          file: source.replace(/^(\.\.\/)+/, '').replace(/^.*node_modules\//, ''),
          rawBytes: value.bytes,
        })),
    }));
  return {
    files: jsFiles.map((jsFile) => path.basename(jsFile)),
    rawBytes: totalRaw,
    groups: groups.slice(0, 25),
    otherGroups: Math.max(0, groups.length - 25),
  };
}

/** Feeds each mapped segment of one generated file to `add(group, text, source)`. */
function attribute(code, map, add) {
  const lines = code.split('\n');
  let sourceIndex = 0;
  map.mappings.split(';').forEach((lineMappings, lineIndex) => {
    const line = lines[lineIndex] ?? '';
    let column = 0;
    const segments = [];
    for (const raw of lineMappings.split(',')) {
      if (!raw) continue;
      const values = decodeVlqSegment(raw);
      column += values[0];
      if (values.length >= 4) {
        sourceIndex += values[1];
        segments.push({ column, source: sourceIndex });
      } else {
        segments.push({ column, source: null });
      }
    }
    if (segments.length === 0) {
      add('(unmapped)', line);
      return;
    }
    add('(unmapped)', line.slice(0, segments[0].column));
    segments.forEach((segment, index) => {
      const end = index + 1 < segments.length ? segments[index + 1].column : line.length;
      const source = segment.source === null ? null : (map.sources[segment.source] ?? '?');
      add(source === null ? '(unmapped)' : groupOf(source), line.slice(segment.column, end), source);
    });
  });
}
