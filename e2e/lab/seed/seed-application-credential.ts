import { z } from 'zod';
import { callOpenStack } from './call-openstack.js';

export const labApplicationCredentialName = 'api-access-lab';

export interface ApplicationCredential {
  id: string;
  secret: string;
}

interface ApplicationCredentialInput {
  keystoneUrl: string;
  demoToken: string;
  demoUserId: string;
  /** What the previous lab.json recorded, if anything: its secret cannot be read back. */
  kept: ApplicationCredential | undefined;
}

const credentialList = z.object({ application_credentials: z.array(z.object({ id: z.string() })) });
const createdCredential = z.object({
  application_credential: z.object({ id: z.string(), secret: z.string() }),
});

/**
 * An application credential of demo on project demo (the roles of demo's token: member + reader;
 * restricted, so it cannot create other credentials or trusts; no expiry).
 *   https://docs.openstack.org/api-ref/identity/v3/#application-credentials
 * Keystone shows the secret only in the creation answer: a rerun keeps the credential lab.json
 * recorded when it still authenticates, and otherwise replaces it (new id and secret).
 */
export async function seedApplicationCredential(
  input: ApplicationCredentialInput,
): Promise<ApplicationCredential> {
  const collection = `${input.keystoneUrl}/v3/users/${input.demoUserId}/application_credentials`;
  const asDemo = { service: 'keystone', token: input.demoToken } as const;
  const listed = await callOpenStack('GET', `${collection}?name=${labApplicationCredentialName}`, {
    ...asDemo,
    expect: [200],
    schema: credentialList,
  });
  const existing = listed.body.application_credentials[0]?.id;
  if (existing && existing === input.kept?.id && (await canAuthenticate(input.keystoneUrl, input.kept))) {
    return input.kept;
  }
  if (existing) await callOpenStack('DELETE', `${collection}/${existing}`, { ...asDemo, expect: [204] });
  const created = await callOpenStack('POST', collection, {
    ...asDemo,
    json: {
      application_credential: {
        name: labApplicationCredentialName,
        description: 'API Access lab (e2e/lab/README.md)',
      },
    },
    expect: [201],
    schema: createdCredential,
  });
  return created.body.application_credential;
}

// https://docs.openstack.org/api-ref/identity/v3/#authenticating-with-an-application-credential
async function canAuthenticate(keystoneUrl: string, credential: ApplicationCredential): Promise<boolean> {
  const answer = await callOpenStack('POST', `${keystoneUrl}/v3/auth/tokens?nocatalog`, {
    service: 'keystone',
    what: 'POST /v3/auth/tokens (kept application credential)',
    json: {
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { id: credential.id, secret: credential.secret },
        },
      },
    },
    // Anything but 201 (401 for a wrong secret): the credential is replaced.
    expect: [201, 400, 401, 403, 404],
  });
  return answer.status === 201;
}
