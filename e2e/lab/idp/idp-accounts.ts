/**
 * The lab IdP's users (lab-only passwords, like the main lab's demo-pass): who signs in at
 * http://127.0.0.1:5101 and which `groups` claim each one carries. The federation's mapping
 * (e2e/lab/seed/seed-federation.ts) turns cloud-users into Keystone group fed-users (project fed-demo)
 * and cloud-ops into fed-ops (project fed-ops); carol's group matches no rule, so Keystone refuses her
 * (401). Imported by the IdP (lab-idp.ts) and by the seed, which copies them into lab.json.
 */
export interface IdpAccount {
  /** Also the `sub` claim and the name of Keystone's shadow user (mapping: user.name = {0} = sub). */
  name: string;
  password: string;
  email: string;
  displayName: string;
  groups: string[];
}

export const idpAccounts = {
  alice: {
    name: 'alice',
    password: 'alice-pass',
    email: 'alice@idp.lab.example',
    displayName: 'Alice Lab',
    groups: ['cloud-users'],
  },
  bob: {
    name: 'bob',
    password: 'bob-pass',
    email: 'bob@idp.lab.example',
    displayName: 'Bob Lab',
    groups: ['cloud-users', 'cloud-ops'],
  },
  carol: {
    name: 'carol',
    password: 'carol-pass',
    email: 'carol@idp.lab.example',
    displayName: 'Carol Lab',
    groups: ['contractors'],
  },
} satisfies Record<string, IdpAccount>;

export type IdpAccountName = keyof typeof idpAccounts;

export function findIdpAccount(name: string): IdpAccount | undefined {
  return Object.values(idpAccounts).find((account) => account.name === name);
}
