import { z } from 'zod';

/** Short identifiers and names as Keystone and Neutron use them; bounded so hostile input stays small. */
export const nameSchema = z.string().trim().min(1).max(255);
export const idSchema = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^[\w.:@-]+$/, 'may only contain letters, digits and . _ : @ -');

export const endpointInterfaces = ['public', 'internal', 'admin'] as const;
export const endpointInterfaceSchema = z.enum(endpointInterfaces);
export type EndpointInterface = z.infer<typeof endpointInterfaceSchema>;

export const identityApiVersionSchema = z.enum(['3', '2.0']);
export type IdentityApiVersion = z.infer<typeof identityApiVersionSchema>;

export const isoDateTimeSchema = z.string().datetime({ offset: true });
