import * as z from 'zod/mini';
import { InvalidInputError } from '../platform/errors.js';

/** Parses request input with a contract schema; failures become invalid_input naming each field. */
export function parseInput<T extends z.core.$ZodType>(
  schema: T,
  input: unknown,
  what = 'request',
): z.output<T> {
  const result = z.safeParse(schema, input ?? {});
  if (result.success) return result.data;
  // No prototype: a hostile key such as "__proto__" must become a field like any other.
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[key] = 'is not a known field';
      continue;
    }
    const key = issue.path.map(String).join('.') || what;
    fields[key] ??=
      issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
  }
  const summary = Object.entries(fields)
    .slice(0, 3)
    .map(([key, message]) => `${key} ${message}`)
    .join('; ');
  throw new InvalidInputError(`Invalid ${what}: ${summary}.`, fields);
}
