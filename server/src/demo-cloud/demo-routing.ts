import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendKeystoneError } from './keystone-errors.js';
import { handleKeystoneV2 } from './keystone-v2-routes.js';
import { handleKeystoneV3 } from './keystone-v3-routes.js';
import { BodyTooLargeError, sendFlaskNotFound, sendKeystoneJson } from './demo-http.js';
import type { DemoWorld } from './demo-world.js';
import { handleNeutron } from './neutron-routes.js';

// Which handler serves a request, on the main port or a region's Neutron port, and which fault target it is.

export type FaultTarget = 'keystone' | 'neutron';

export interface Route {
  target: FaultTarget;
  run: () => void | Promise<void>;
}

export type Mount = { kind: 'main' } | { kind: 'region'; region: string };

export function resolveRoute(
  world: DemoWorld,
  mount: Mount,
  req: IncomingMessage,
  res: ServerResponse,
): Route {
  // Split by hand: `new URL('//v2.0/networks', base)` would read `v2.0` as a host name.
  const rawUrl = req.url ?? '/';
  const queryStart = rawUrl.indexOf('?');
  const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  const query = new URLSearchParams(queryStart === -1 ? '' : rawUrl.slice(queryStart + 1));
  const hostHeader = req.headers.host ?? new URL(world.url).host;

  if (mount.kind === 'region') {
    const mountUrl = `http://${hostHeader}`;
    return {
      target: 'neutron',
      run: () => handleNeutron(world, mount.region, req, res, path, query, mountUrl),
    };
  }
  if (world.spec.networkEndpoint.form === 'path-prefix') {
    const match = /^\/network\/([^/]+)(.*)$/.exec(path);
    const region = match?.[1];
    if (match && region !== undefined && world.spec.regions.includes(region)) {
      const mountUrl = `http://${hostHeader}/network/${region}`;
      return {
        target: 'neutron',
        run: () => handleNeutron(world, region, req, res, match[2] ?? '', query, mountUrl),
      };
    }
  }
  return { target: 'keystone', run: () => routeKeystone(world, req, res, path, query) };
}

export function routeKeystone(
  world: DemoWorld,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): void | Promise<void> {
  const { spec } = world;
  if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
    // Keystone's version discovery: 300 Multiple Choices listing the served versions.
    const values = [];
    if (spec.servesV3)
      values.push(versionEntry('v3.14', 'stable', '2020-04-07T00:00:00Z', `${world.url}/v3/`));
    if (spec.servesV2)
      values.push(versionEntry('v2.0', 'deprecated', '2016-08-04T00:00:00Z', `${world.url}/v2.0/`));
    const preferred = spec.servesV3 ? `${world.url}/v3/` : `${world.url}/v2.0/`;
    return sendKeystoneJson(res, 300, { versions: { values } }, { Location: preferred });
  }
  if ((path === '/v3' || path.startsWith('/v3/')) && spec.servesV3)
    return handleKeystoneV3(world, req, res, path, query);
  if ((path === '/v2.0' || path.startsWith('/v2.0/')) && spec.servesV2)
    return handleKeystoneV2(world, req, res, path);
  // Keystone 22 answers an unserved API version (e.g. /v2.0/tokens) with Flask's 404 HTML page.
  return sendFlaskNotFound(res);
}

export function versionEntry(id: string, status: string, updated: string, href: string): unknown {
  return {
    id,
    status,
    updated,
    links: [{ rel: 'self', href }],
    'media-types': [
      {
        base: 'application/json',
        type: `application/vnd.openstack.identity-${id === 'v2.0' ? 'v2.0' : 'v3'}+json`,
      },
    ],
  };
}

export function runRoute(route: Route, res: ServerResponse): void {
  const onError = (error: unknown): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof BodyTooLargeError) {
      sendKeystoneError(res, 413, 'Request Entity Too Large', 'Request is too large.');
      return;
    }
    sendKeystoneError(
      res,
      500,
      'Internal Server Error',
      'An unexpected error prevented the server from fulfilling your request.',
    );
  };
  try {
    const pending = route.run();
    if (pending) pending.catch(onError);
  } catch (error) {
    onError(error);
  }
}
