import * as z from 'zod/mini';

// The contract is written with zod/mini: the same schemas and types as classic zod, but
// tree-shakable, so the SPA that validates the BFF's answers with them stays light
// (docs/decisions/0007-contract-in-zod-mini.md).

/** Short identifiers and names as Keystone and Neutron use them; bounded so hostile input stays small. */
export const nameSchema = z.string().check(z.trim(), z.minLength(1), z.maxLength(255));
export const idSchema = z
  .string()
  .check(
    z.trim(),
    z.minLength(1),
    z.maxLength(255),
    z.regex(/^[\w.:@-]+$/, 'may only contain letters, digits and . _ : @ -'),
  );

export const endpointInterfaces = ['public', 'internal', 'admin'] as const;
export const endpointInterfaceSchema = z.enum(endpointInterfaces);
export type EndpointInterface = z.infer<typeof endpointInterfaceSchema>;

export const identityApiVersionSchema = z.enum(['3', '2.0']);
export type IdentityApiVersion = z.infer<typeof identityApiVersionSchema>;
