import type { CloudConfig, CloudRegistry } from '../config/clouds-config.js';
import { createIdentityClient } from '../openstack/keystone/create-identity-client.js';
import type { IdentityClient } from '../openstack/keystone/identity-client.js';
import { NotAuthenticatedError } from '../platform/errors.js';
import type { AuthState } from './auth-state.js';

/** A configured cloud with its Keystone client, made once per cloud. */
export interface Cloud {
  config: CloudConfig;
  identity: IdentityClient;
}

export class CloudDirectory {
  private readonly clients = new Map<string, Cloud>();

  constructor(
    private readonly registry: CloudRegistry,
    private readonly options: { timeoutMs: number; now?: () => number },
  ) {}

  find(name: string): Cloud | undefined {
    const config = this.registry.find(name);
    if (!config) return undefined;
    let cloud = this.clients.get(name);
    if (!cloud || cloud.config !== config) {
      cloud = { config, identity: createIdentityClient(config.identity, this.options) };
      this.clients.set(name, cloud);
    }
    return cloud;
  }

  /** The cloud of a signed-in session; one removed from clouds.yaml since sign-in ends the session. */
  of(auth: AuthState): Cloud {
    const cloud = this.find(auth.cloud);
    if (!cloud) throw new NotAuthenticatedError('This cloud is no longer configured. Sign in again.');
    return cloud;
  }
}
