import * as z from 'zod/mini';
import { idSchema } from './common.js';

/**
 * GET /api/scopes: exactly the scopes the signed-in user has (GET /v3/auth/projects,
 * /v3/auth/domains, /v3/auth/system). A v2.0 cloud offers projects only; a session signed in with
 * an application credential, its one project.
 */
export const scopeListSchema = z.object({
  projects: z.array(
    z.object({ id: z.string(), name: z.string(), domainId: z.nullable(z.string()), enabled: z.boolean() }),
  ),
  domains: z.array(z.object({ id: z.string(), name: z.string(), enabled: z.boolean() })),
  system: z.boolean(),
});
export type ScopeList = z.infer<typeof scopeListSchema>;

/** POST /api/session/scope: one click, one token in the new scope (answers GET /api/session). */
export const selectScopeRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('project'), projectId: idSchema }),
  z.strictObject({ kind: z.literal('domain'), domainId: idSchema }),
  z.strictObject({ kind: z.literal('system') }),
]);
export type SelectScopeRequest = z.infer<typeof selectScopeRequestSchema>;
