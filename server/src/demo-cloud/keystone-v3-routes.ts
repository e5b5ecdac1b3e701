import type { IncomingMessage, ServerResponse } from 'node:http';
import { flaskMethodNotAllowedHtml, sendFlaskNotFound, sendKeystoneJson, sendText } from './demo-http.js';
import { handleCredentialRoutes } from './credential-routes.js';
import { type DemoWorld } from './demo-world.js';
import { issueToken } from './keystone-v3-auth.js';
import { listCatalog, listProjects, revokeToken, validateToken } from './keystone-v3-token-routes.js';

/**
 * Keystone v3 token API, shaped like Keystone 22 in the lab:
 * https://docs.openstack.org/api-ref/identity/v3/#authentication-and-token-management
 * `path` is the request path starting with `/v3`.
 */
export async function handleKeystoneV3(
  world: DemoWorld,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  const method = req.method ?? 'GET';
  switch (path) {
    case '/v3':
    case '/v3/':
      if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(res);
      return sendKeystoneJson(res, 200, versionDocument(world));
    case '/v3/auth/tokens':
      if (method === 'POST') return issueToken(world, req, res);
      if (method === 'GET' || method === 'HEAD') return validateToken(world, req, res, query);
      if (method === 'DELETE') return revokeToken(world, req, res);
      return sendMethodNotAllowed(res);
    case '/v3/auth/catalog':
      if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(res);
      return listCatalog(world, req, res);
    case '/v3/auth/projects':
      if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(res);
      return listProjects(world, req, res);
    default:
      if (await handleCredentialRoutes(world, req, res, path)) return;
      return sendFlaskNotFound(res);
  }
}

function sendMethodNotAllowed(res: ServerResponse): void {
  sendText(res, 405, 'text/html; charset=utf-8', flaskMethodNotAllowedHtml);
}

function versionDocument(world: DemoWorld): unknown {
  return {
    version: {
      id: 'v3.14',
      status: 'stable',
      updated: '2020-04-07T00:00:00Z',
      links: [{ rel: 'self', href: `${world.url}/v3/` }],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
    },
  };
}
