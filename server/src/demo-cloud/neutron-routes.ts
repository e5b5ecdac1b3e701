import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerValue, sendNeutronJson, sendText, webobNotFoundText } from './demo-http.js';
import type { DemoWorld } from './demo-world.js';

/**
 * Neutron's read side for one region: https://docs.openstack.org/api-ref/network/v2/#networks
 * `subPath` is what follows the region's endpoint URL (`/v2.0/networks`, ...); `mountUrl` is the
 * endpoint's absolute URL without a trailing slash, used to build `networks_links`.
 */
export function handleNeutron(
  world: DemoWorld,
  region: string,
  req: IncomingMessage,
  res: ServerResponse,
  subPath: string,
  query: URLSearchParams,
  mountUrl: string,
): void {
  const method = req.method ?? 'GET';
  if (subPath === '' || subPath === '/') {
    if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(res, method);
    return sendNeutronJson(res, 200, {
      versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: `${mountUrl}/v2.0/` }] }],
    });
  }
  const match = /^\/v2\.0\/networks(?:\/([^/]+))?$/.exec(subPath);
  if (!match) return sendText(res, 404, 'text/plain; charset=UTF-8', webobNotFoundText);
  // The demo is read-only: creating or deleting networks is not something the dashboard does.
  if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(res, method);

  // keystonemiddleware: a missing, unknown, revoked or expired token is 401 before any routing.
  const found = world.registry.lookup(headerValue(req, 'x-auth-token'));
  if (found.kind !== 'valid') {
    return sendNeutronJson(
      res,
      401,
      {
        error: {
          code: 401,
          title: 'Unauthorized',
          message: 'The request you have made requires authentication.',
        },
      },
      { 'Www-Authenticate': `Keystone uri="${world.url}"` },
    );
  }
  const projectId = found.token.projectId;
  const id = match[1];
  if (id !== undefined) {
    const networkId = decodeURIComponent(id);
    const network = world.inventory.find(region, projectId, networkId);
    if (!network)
      return sendNeutronError(res, 404, 'NetworkNotFound', `Network ${networkId} could not be found.`);
    return sendNeutronJson(res, 200, { network });
  }
  const result = world.inventory.list(region, projectId, query, `${mountUrl}/v2.0/networks`);
  if ('error' in result) return sendNeutronError(res, result.status, result.error.type, result.error.message);
  sendNeutronJson(res, 200, result.body);
}

export function sendNeutronError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendNeutronJson(res, status, { NeutronError: { type, message, detail: '' } }, headers);
}

function sendMethodNotAllowed(res: ServerResponse, method: string): void {
  sendText(
    res,
    405,
    'text/plain; charset=UTF-8',
    `405 Method Not Allowed\n\nThe method ${method} is not allowed for this resource.\n\n   `,
  );
}
