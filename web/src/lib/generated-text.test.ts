/// <reference types="node" />
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isHttpUrl, quoteForShell, quoteForYaml, UnsafeTextError } from './generated-text';

// Every control character but NUL, each alone and between printable text.
const controls = [
  ...Array.from({ length: 0x1f }, (_, i) => i + 1),
  ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i),
].map((code) => String.fromCharCode(code));

describe('quoteForShell', () => {
  it('bash reads back every control character exactly, and none is written raw', () => {
    const values = controls.map((ch) => `a${ch}b'$\`\\${ch}`);
    const words = values.map((value) => quoteForShell(value));
    for (const word of words) expect(word).toMatch(/^\$'[\x20-\x7e]*'$/);
    const out = execFileSync(
      '/bin/bash',
      ['-c', `for a in ${words.join(' ')}; do printf '%s\\0' "$a"; done`],
      {
        encoding: 'utf8',
        env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' },
      },
    );
    expect(out.split('\0').slice(0, -1)).toEqual(values);
  });

  it('refuses a NUL with an UnsafeTextError that says what and why', () => {
    expect(() => quoteForShell('a\u0000', 'The project')).toThrow(UnsafeTextError);
    expect(() => quoteForShell('a\u0000', 'The project')).toThrow(
      'The project holds a NUL character, which no shell variable can hold.',
    );
  });
});

describe('quoteForYaml', () => {
  it('a YAML parser reads back every control character, line separator and odd code point exactly', () => {
    const values = [
      ...controls.map((ch) => `a${ch}b"\\${ch}`),
      'nul \u0000 inside',
      'separators \u2028 \u2029 \u0085, bom \ufeff, non-characters \ufffe \uffff',
      'lone surrogate \ud800 and a pair 😀',
      'plain: "quoted" \\ # not a comment',
    ];
    for (const value of values) {
      const scalar = quoteForYaml(value);
      // eslint-disable-next-line no-control-regex -- no raw control character may be written
      expect(scalar).toMatch(/^"[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*"$/);
      expect(parse(`key: ${scalar}\n`)).toEqual({ key: value });
    }
  });
});

describe('isHttpUrl', () => {
  it.each(['http://k:5000/v3', 'https://k.example/v3/', 'HTTPS://K.EXAMPLE'])('accepts %j', (url) => {
    expect(isHttpUrl(url)).toBe(true);
  });

  it.each(['file:///etc/passwd', '-K/etc/passwd', 'https://', 'https://k\t.example', ' https://k', 'k:5000'])(
    'refuses %j',
    (url) => {
      expect(isHttpUrl(url)).toBe(false);
    },
  );
});
