import * as z from 'zod/mini';
import { endpointInterfaceSchema } from './common.js';

/** GET /api/catalog: the service catalog normalized from v3 or v2.0 shapes. */
export const catalogEndpointSchema = z.object({
  interface: endpointInterfaceSchema,
  region: z.nullable(z.string()),
  url: z.string(),
});
export type CatalogEndpoint = z.infer<typeof catalogEndpointSchema>;

export const catalogServiceSchema = z.object({
  type: z.string(),
  name: z.string(),
  endpoints: z.array(catalogEndpointSchema),
});
export type CatalogService = z.infer<typeof catalogServiceSchema>;

export const catalogSchema = z.object({
  services: z.array(catalogServiceSchema),
  regions: z.array(z.string()),
});
export type Catalog = z.infer<typeof catalogSchema>;
