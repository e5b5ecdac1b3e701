import * as z from 'zod/mini';
import { endpointInterfaceSchema, idSchema, nameSchema } from './common.js';

/** GET /api/networks query (query strings arrive as text: `limit` is coerced). */
export const networksQuerySchema = z.strictObject({
  region: z.optional(nameSchema),
  interface: z.optional(endpointInterfaceSchema),
  limit: z.optional(z.pipe(z.coerce.number(), z.int().check(z.minimum(1), z.maximum(1000)))),
  marker: z.optional(idSchema),
  name: z.optional(z.string().check(z.maxLength(255))),
  sortKey: z.optional(z.enum(['name', 'id', 'status', 'mtu', 'created_at'])),
  sortDir: z.optional(z.enum(['asc', 'desc'])),
});
export type NetworksQuery = z.infer<typeof networksQuerySchema>;

export const networkSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  adminStateUp: z.boolean(),
  shared: z.boolean(),
  external: z.boolean(),
  mtu: z.nullable(z.int()),
  subnets: z.array(z.string()),
  projectId: z.nullable(z.string()),
  availabilityZones: z.array(z.string()),
  description: z.string(),
  createdAt: z.nullable(z.string()),
  updatedAt: z.nullable(z.string()),
});
export type Network = z.infer<typeof networkSchema>;

export const networkPageSchema = z.object({
  networks: z.array(networkSchema),
  /** Pass as `marker` for the next page; null on the last page. */
  nextMarker: z.nullable(z.string()),
});
export type NetworkPage = z.infer<typeof networkPageSchema>;
