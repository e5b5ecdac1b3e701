import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { reported, target } from './lib/targets.mjs';
import { writeReport } from './write-report.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.resolve(benchDir, '..');
const committed = () => JSON.parse(fs.readFileSync(path.join(benchDir, 'results.json'), 'utf8'));

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
    const before = writeReport(results);
    expect(summaryOf(before)).toMatch(/≤ 1\.05×\s*\|\s*\*\*no\*\*/);
    expect(before).toContain('Target missed (1.086 > 1.05)');

    const ratio = login.targets.find((entry) => entry.id === 'ratio');
    login.targets = [target({ ...ratio, limit: 1.2 })];
    const after = writeReport(results);
    expect(summaryOf(after)).toMatch(/≤ 1\.2×\s*\|\s*\*\*yes\*\*/);
    expect(after).not.toContain('1.05');
    expect(after).not.toContain('Target missed (1.086');

    // Still missed, with another limit: the explanation quotes the result's limit too.
    login.targets = [target({ ...ratio, limit: 1.07 })];
    const missed = writeReport(results);
    expect(missed).toContain('Target missed (1.086 > 1.07)');
    expect(missed).not.toContain('1.05');
  });

  it('takes every limit from the results: other limits everywhere leave none of the old ones', () => {
    const results = committed();
    for (const result of Object.values(results.measurements)) {
      result.targets = (result.targets ?? []).map((entry) =>
        target({ ...entry, limit: entry.limit + 0.0123, op: entry.op === '=' ? '≥' : entry.op }),
      );
    }
    const report = writeReport(results);
    for (const old of [
      '1.05',
      '1.1×',
      '1.10',
      '≤ 120 KiB',
      'of 120 KiB',
      '< 200 rows',
      'target < 200:',
      '= 1 token',
      'Target (1 token',
      '= 0 upstream',
    ]) {
      expect(report).not.toContain(old);
    }
    expect(report).toContain('≤ 1.0623×');
    expect(report).toContain('≤ 120.0123 KiB');
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

  it('docs/benchmarks.md is what the code writes from bench/results.json', async () => {
    const config = await prettier.resolveConfig(path.join(repoDir, 'docs/benchmarks.md'));
    const expected = await prettier.format(writeReport(committed()), { ...config, parser: 'markdown' });
    expect(fs.readFileSync(path.join(repoDir, 'docs/benchmarks.md'), 'utf8')).toBe(expected);
  });
});
