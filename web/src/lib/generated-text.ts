/**
 * Quoting for the text we generate for the operator to paste or source: the "copy as" snippets,
 * the openrc and clouds.yaml. Their values come from Keystone, the catalog and clouds.yaml, and a
 * control character in one (a line feed, ESC, DEL, a C1 code such as CSI) would otherwise reach a
 * shell or a terminal raw: a line feed starts a new command, ESC drives the terminal.
 */

export type UnsafeTextReason = 'nul_character' | 'not_http_url';

/** A value we refuse to put into generated text; the page shows the reason instead of the text. */
export class UnsafeTextError extends Error {
  override readonly name = 'UnsafeTextError';
  readonly reason: UnsafeTextReason;

  constructor(reason: UnsafeTextReason, what: string) {
    super(
      reason === 'nul_character'
        ? `${what} holds a NUL character, which no shell variable can hold.`
        : `${what} is not an http(s) URL.`,
    );
    this.reason = reason;
  }
}

// C0 (tab and line feed included), DEL and C1.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/g;

export function hasControlCharacter(value: string): boolean {
  return controlCharacter.test(value);
}

const hex2 = (code: number) => code.toString(16).toUpperCase().padStart(2, '0');

/**
 * One shell word holding exactly `value`. Without control characters: POSIX single quotes, where
 * nothing is special but the quote itself, written '\'' (close, escaped quote, reopen). With them:
 * bash's ANSI-C quoting $'…', each control character as \xHH (C1 as its two UTF-8 bytes, so the
 * result does not depend on the locale), `\` and `'` escaped. A NUL is refused: a shell variable
 * ends at it.
 */
export function quoteForShell(value: string, what = 'A value'): string {
  if (!hasControlCharacter(value)) return `'${value.replaceAll("'", `'\\''`)}'`;
  if (value.includes('\u0000')) throw new UnsafeTextError('nul_character', what);
  const escaped = value
    .replaceAll('\\', '\\\\')
    .replaceAll("'", "\\'")
    .replace(controlCharacters, (ch) => {
      const code = ch.charCodeAt(0);
      return code < 0x80 ? `\\x${hex2(code)}` : `\\xC2\\x${hex2(code)}`;
    });
  return `$'${escaped}'`;
}

// Outside YAML's printable set (https://yaml.org/spec/1.2.2/#51-character-set), plus what YAML 1.1
// readers such as PyYAML (openstacksdk reads clouds.yaml with it) take as a line break (NEL, LS,
// PS) and the byte order mark: written as escapes, never raw.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const yamlUnsafe = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/gu;

/**
 * A YAML double-quoted scalar holding exactly `value`: `\` and `"` escaped, every control
 * character as \xHH, the line separators and other unsafe code points as \uHHHH.
 */
export function quoteForYaml(value: string): string {
  const escaped = value
    .replaceAll('\\', '\\\\')
    .replaceAll('"', '\\"')
    .replace(yamlUnsafe, (ch) => {
      const code = ch.charCodeAt(0);
      return code <= 0xff ? `\\x${hex2(code)}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    });
  return `"${escaped}"`;
}

/** For a comment line: control characters shown as visible escapes, so the comment stays one line. */
export function showControlCharacters(value: string): string {
  return value.replace(controlCharacters, (ch) => `\\x${hex2(ch.charCodeAt(0))}`);
}

/**
 * Whether a URL may go into generated text: http or https, nothing else (no file:, no option-like
 * `-K…`), and no control character (the URL parser would drop a line feed silently, so what runs
 * would not be what is shown).
 */
export function isHttpUrl(value: string): boolean {
  if (hasControlCharacter(value) || !/^https?:\/\//i.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

export function requireHttpUrl(value: string, what: string): string {
  if (!isHttpUrl(value)) throw new UnsafeTextError('not_http_url', what);
  return value;
}

export type Generated = { text: string; refusal: null } | { text: null; refusal: UnsafeTextReason };

/** Build generated text, or say why it is refused (any other error is a bug and is thrown on). */
export function tryGenerate(build: () => string): Generated {
  try {
    return { text: build(), refusal: null };
  } catch (error) {
    if (error instanceof UnsafeTextError) return { text: null, refusal: error.reason };
    throw error;
  }
}
