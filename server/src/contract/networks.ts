import { z } from 'zod';
import { endpointInterfaceSchema, idSchema, nameSchema } from './common.js';

/** GET /api/networks query. */
export const networksQuerySchema = z
  .object({
    region: nameSchema.optional(),
    interface: endpointInterfaceSchema.optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    marker: idSchema.optional(),
    name: z.string().max(255).optional(),
    sortKey: z.enum(['name', 'id', 'status', 'mtu', 'created_at']).optional(),
    sortDir: z.enum(['asc', 'desc']).optional(),
  })
  .strict();
export type NetworksQuery = z.infer<typeof networksQuerySchema>;

export const networkSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  adminStateUp: z.boolean(),
  shared: z.boolean(),
  external: z.boolean(),
  mtu: z.number().int().nullable(),
  subnets: z.array(z.string()),
  projectId: z.string().nullable(),
  availabilityZones: z.array(z.string()),
  description: z.string(),
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type Network = z.infer<typeof networkSchema>;

export const networkPageSchema = z.object({
  networks: z.array(networkSchema),
  /** Pass as `marker` for the next page; null on the last page. */
  nextMarker: z.string().nullable(),
});
export type NetworkPage = z.infer<typeof networkPageSchema>;
