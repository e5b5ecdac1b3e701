import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { Router, useLocation, useSearch } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { vi } from 'vitest';
import { createApp } from './app/create-app';

export interface MockCall {
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string>;
}

type Handler = (call: MockCall) => Response | Promise<Response>;

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export function errorResponse(status: number, code: string, extra: Record<string, unknown> = {}): Response {
  return jsonResponse({ error: { code, message: code, ...extra } }, status);
}

/**
 * Replace fetch with a route table keyed "METHOD /path" (query string ignored for matching).
 * Unknown routes answer 404 not_found, so a test notices calls it did not plan for.
 */
export function mockFetch(routes: Record<string, Handler | unknown>) {
  const calls: MockCall[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init?.method ?? 'GET').toUpperCase();
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const call = { method, path: url.pathname + url.search, body, headers };
    calls.push(call);
    const route = routes[`${method} ${url.pathname}`];
    if (route === undefined) return errorResponse(404, 'not_found');
    return typeof route === 'function' ? (route as Handler)(call) : jsonResponse(route);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}

/**
 * Render the whole app on wouter's memory location at `path`. `router.state.location` is where the
 * app is now (pathname and search, read with the router's own hooks), for assertions on navigation.
 */
export function renderApp(path: string) {
  let location: { pathname: string; search: string } | undefined;
  function LocationProbe() {
    const [pathname] = useLocation();
    const search = useSearch();
    location = { pathname, search: search ? `?${search}` : '' };
    return null;
  }
  const memory = memoryLocation({ path });
  function TestRouter({ children }: { children: ReactNode }) {
    return (
      <Router hook={memory.hook} searchHook={memory.searchHook}>
        <LocationProbe />
        {children}
      </Router>
    );
  }
  const app = createApp(TestRouter, { language: 'en' });
  const utils = render(app.element);
  const router = {
    get state() {
      if (!location) throw new Error('the router has not rendered yet');
      return { location };
    },
  };
  return { ...utils, router, queryClient: app.queryClient };
}

export const demoCloud = {
  name: 'lab',
  authUrl: 'http://127.0.0.1:5000/v3',
  identityApiVersion: '3',
  interface: 'public',
  regions: ['RegionOne', 'RegionTwo'],
  defaults: {
    username: 'demo',
    userDomainName: 'Default',
    projectName: 'demo',
    projectDomainName: 'Default',
    regionName: 'RegionOne',
  },
} as const;

export const sessionInfo = {
  cloud: 'lab',
  regionName: 'RegionOne',
  identityApiVersion: '3',
  user: { id: 'u1', name: 'demo', domain: { id: 'default', name: 'Default' } },
  project: { id: 'p1', name: 'demo', domain: { id: 'default', name: 'Default' } },
  roles: [{ id: 'r1', name: 'member' }],
  issuedAt: '2025-01-01T10:00:00Z',
  expiresAt: '2025-01-01T11:00:00Z',
  reissueNeedsPassword: false,
} as const;

export function makeTokenInfo(overrides: Record<string, unknown> = {}) {
  return {
    id: 'tok1abcd',
    issuedAt: '2025-01-01T10:00:00Z',
    expiresAt: '2025-01-01T11:00:00Z',
    serverTime: '2025-01-01T10:00:00Z',
    secondsLeft: 3600,
    lifetimeSeconds: 3600,
    user: sessionInfo.user,
    project: sessionInfo.project,
    roles: sessionInfo.roles,
    methods: ['password'],
    auditIds: ['audit-1'],
    cloud: 'lab',
    regionName: 'RegionOne',
    identityApiVersion: '3',
    tokenPreview: 'gAAAAA',
    ...overrides,
  };
}

export const catalog = {
  regions: ['RegionOne', 'RegionTwo'],
  services: [
    {
      type: 'identity',
      name: 'keystone',
      endpoints: [
        { interface: 'public', region: 'RegionOne', url: 'http://127.0.0.1:5000/v3' },
        { interface: 'public', region: 'RegionTwo', url: 'http://127.0.0.1:5000/v3' },
      ],
    },
    {
      type: 'network',
      name: 'neutron',
      endpoints: [
        { interface: 'public', region: 'RegionOne', url: 'http://127.0.0.1:9696/' },
        { interface: 'internal', region: 'RegionOne', url: 'http://10.0.0.1:9696' },
        { interface: 'admin', region: 'RegionOne', url: 'http://10.0.0.2:9696' },
        { interface: 'public', region: 'RegionTwo', url: 'http://127.0.0.2:9696/v2.0' },
      ],
    },
  ],
};
