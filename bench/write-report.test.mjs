import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { reported, target } from './lib/targets.mjs';
import { retarget, writeReport } from './write-report.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.resolve(benchDir, '..');
const committed = () => JSON.parse(fs.readFileSync(path.join(benchDir, 'results.json'), 'utf8'));

const escape = (value) => String(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const summaryOf = (report) =>
  report.slice(report.indexOf('## Summary'), report.indexOf('\n## ', report.indexOf('## Summary') + 1));

describe('target()', () => {
  it('decides pass or miss from the comparison, the limit and its conditions', () => {
    const base = { id: 'x', name: 'x', value: 1.06, unit: '×', op: '≤' };
    expect(target({ ...base, limit: 1.05 }).holds).toBe(false);
    expect(target({ ...base, limit: 1.1 }).holds).toBe(true);
    expect(target({ ...base, op: '<', value: 200, limit: 200 }).holds).toBe(false);
    expect(
      target({ ...base, op: '=', value: 0, limit: 0, conditions: [{ name: '0 failed', holds: false }] })
        .holds,
    ).toBe(false);
    expect(() => target({ ...base, kind: 'ratio', limit: 1 })).toThrow(/reference/);
  });
});

describe('writeReport', () => {
  it('takes a target from the result: another limit in the result changes the report', () => {
    const results = committed();
    const login = results.measurements.login;
    const ratio = login.targets.find((entry) => entry.id === 'ratio');
    const old = new RegExp(`≤ ${escape(ratio.limit)}(?![\\d.])`);
    expect(writeReport(results)).toMatch(old);

    const above = Number((ratio.value + 0.1).toFixed(3));
    login.targets = [target({ ...ratio, limit: above })];
    const holding = writeReport(results);
    expect(summaryOf(holding)).toMatch(new RegExp(`≤ ${escape(above)}×\\s*\\|\\s*\\*\\*yes\\*\\*`));
    expect(holding).not.toMatch(old);
    expect(holding).not.toContain('Target missed (');

    // Still missed, with another limit: the explanation quotes the result's limit too.
    const below = Number((ratio.value - 0.0123).toFixed(4));
    login.targets = [target({ ...ratio, limit: below })];
    const missed = writeReport(results);
    expect(summaryOf(missed)).toMatch(new RegExp(`≤ ${escape(below)}×\\s*\\|\\s*\\*\\*no\\*\\*`));
    expect(missed).toContain(`Target missed (${ratio.value} > ${below})`);
    expect(missed).not.toMatch(old);
  });

  it('takes every limit from the results: other limits everywhere leave none of the old ones', () => {
    const results = committed();
    const before = Object.values(results.measurements).flatMap((result) => result.targets ?? []);
    expect(before.length).toBeGreaterThan(0);
    for (const result of Object.values(results.measurements)) {
      result.targets = (result.targets ?? []).map((entry) =>
        target({ ...entry, limit: entry.limit + 0.0123, op: entry.op === '=' ? '≥' : entry.op }),
      );
    }
    const report = writeReport(results);
    for (const entry of before) {
      // "≤ 1.05", "< 200", "= 1" (summary, tables, explanations), and "of 120 KiB"-style phrasing.
      expect(report).not.toMatch(new RegExp(`${escape(entry.op)} ${escape(entry.limit)}(?![\\d.])`));
      if (entry.op !== '=') {
        expect(report).not.toMatch(new RegExp(`(?<![\\d.])${escape(entry.limit)} ${escape(entry.unit)}`));
      }
    }
    for (const phrase of ['target < 200:', 'Target (1 token']) expect(report).not.toContain(phrase);
  });

  it('lists every target and reported figure of every step, including a step it has no section for', () => {
    const results = committed();
    results.measurements.statusReadVsBareExpress = {
      targets: [
        target({
          id: 'ratio',
          name: 'Status read: bare Express / BFF req/s',
          kind: 'ratio',
          value: 1.7,
          unit: '×',
          op: '≤',
          limit: 2,
          measured: { label: 'bare Express', value: 8000, unit: 'req/s' },
          reference: { label: 'BFF', value: 4700, unit: 'req/s' },
        }),
      ],
      reported: [reported({ id: 'rss', name: 'Status read: BFF RSS', value: 123.4, unit: 'MiB' })],
    };
    const summary = summaryOf(writeReport(results));
    expect(summary).toMatch(
      /Status read: bare Express \/ BFF req\/s \| \*\*1\.7×\*\*; bare Express 8000 req\/s vs BFF 4700 req\/s \| ≤ 2× \| \*\*yes\*\*/,
    );
    expect(summary).toContain('| Status read: BFF RSS | **123.4 MiB** | reported | — |');
    const rows = summary
      .split('\n')
      .filter((line) => line.startsWith('| ') && !/^\| (measurement|---) /.test(line));
    const expected = Object.values(results.measurements).reduce(
      (sum, result) => sum + (result.targets?.length ?? 0) + (result.reported?.length ?? 0),
      0,
    );
    expect(rows).toHaveLength(expected);
  });

  it('types no target of its own: without results there is no target in the report', () => {
    const results = { ...committed(), measurements: {}, errors: {} };
    const report = writeReport(results);
    for (const limit of ['1.05', '1.1', '120 KiB', '< 200', '= 1', '= 0'])
      expect(report).not.toContain(limit);
    expect(summaryOf(report).trim().split('\n')).toHaveLength(4);
  });

  it('bench/results.json carries the targets its modules compute from its figures (one place for each limit)', () => {
    // After changing a limit: node bench/write-report.mjs --retarget (or run the bench again).
    const results = committed();
    expect(retarget(results).measurements).toEqual(results.measurements);
  });

  it('docs/benchmarks.md is what the code writes from bench/results.json', async () => {
    const config = await prettier.resolveConfig(path.join(repoDir, 'docs/benchmarks.md'));
    const expected = await prettier.format(writeReport(committed()), { ...config, parser: 'markdown' });
    expect(fs.readFileSync(path.join(repoDir, 'docs/benchmarks.md'), 'utf8')).toBe(expected);
  });
});
