import type { IdentityEndpoint } from '../../config/identity-endpoint.js';
import type { IdentityClient } from './identity-client.js';
import { KeystoneV2 } from './keystone-v2.js';
import { KeystoneV3 } from './keystone-v3.js';

/** The one place that turns a cloud's identity API version into behaviour. */
export function createIdentityClient(
  endpoint: IdentityEndpoint,
  options: { timeoutMs: number; now?: () => number },
): IdentityClient {
  return endpoint.version === '2.0'
    ? new KeystoneV2(endpoint.rootUrl, options.timeoutMs, options.now)
    : new KeystoneV3(endpoint.rootUrl, options.timeoutMs);
}
