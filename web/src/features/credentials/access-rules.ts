import * as z from 'zod/mini';
import { accessRuleSchema, type AccessRule } from '@contract/credentials';

/**
 * Access rules as the operator writes them, in JSON or in YAML (a list of service / method / path
 * entries, as `openstack application credential create --access-rules` takes them), checked with
 * the contract's schema before anything is sent.
 * https://docs.openstack.org/keystone/latest/user/application_credentials.html#access-rules
 */
export type ParsedAccessRules =
  | { rules: AccessRule[]; error: null }
  | { rules: null; error: { kind: 'syntax'; line: number } | { kind: 'shape'; detail: string } };

const listSchema = z.array(accessRuleSchema).check(z.maxLength(100));

export function parseAccessRules(text: string): ParsedAccessRules {
  const trimmed = text.trim();
  if (trimmed === '') return { rules: [], error: null };
  let value: unknown;
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      value = JSON.parse(trimmed) as unknown;
    } catch {
      return { rules: null, error: { kind: 'syntax', line: 1 } };
    }
  } else {
    const parsed = parseYamlRuleList(text);
    if ('line' in parsed) return { rules: null, error: { kind: 'syntax', line: parsed.line } };
    value = parsed.items;
  }
  const result = z.safeParse(listSchema, value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.map(String).join('.') ?? '';
    return {
      rules: null,
      error: { kind: 'shape', detail: `${where ? `${where}: ` : ''}${issue?.message ?? 'invalid'}` },
    };
  }
  return { rules: result.data, error: null };
}

/**
 * The YAML subset access rules need: a block sequence of flat mappings of plain or quoted
 * scalars, with comments. Anything else is a syntax error at its line.
 */
function parseYamlRuleList(text: string): { items: Record<string, string>[] } | { line: number } {
  const items: Record<string, string>[] = [];
  let current: Record<string, string> | null = null;
  let itemIndent = -1;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/\s+#.*$/, '').replace(/^\s*#.*$/, '');
    if (line.trim() === '') continue;
    const item = /^(\s*)-\s+(.*)$/.exec(line);
    let pair: string;
    if (item) {
      current = {};
      items.push(current);
      itemIndent = (item[1] ?? '').length + 2;
      pair = item[2] ?? '';
    } else {
      const indent = /^\s*/.exec(line)?.[0].length ?? 0;
      if (!current || indent !== itemIndent) return { line: index + 1 };
      pair = line.trim();
    }
    const match = /^([A-Za-z_]+)\s*:\s*(.*)$/.exec(pair.trim());
    if (!match) return { line: index + 1 };
    const scalar = unquote(match[2] ?? '');
    if (scalar === null || !current) return { line: index + 1 };
    current[match[1] ?? ''] = scalar;
  }
  return { items };
}

function unquote(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed.startsWith('"')) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      return typeof parsed === 'string' ? parsed : null;
    } catch {
      return null;
    }
  }
  if (trimmed.startsWith("'")) {
    return trimmed.length >= 2 && trimmed.endsWith("'") ? trimmed.slice(1, -1).replaceAll("''", "'") : null;
  }
  if (/^[[{&*!|>%@`]/.test(trimmed)) return null;
  return trimmed;
}
