import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamAgent, reusesConnections } from './upstream-connections.js';

describe('reusesConnections', () => {
  it('keeps connections to https origins only by default', () => {
    expect(reusesConnections('https', 'https://cloud.example:13696')).toBe(true);
    expect(reusesConnections('https', 'http://127.0.0.1:9696')).toBe(false);
  });

  it('always and never apply to every origin', () => {
    expect(reusesConnections('always', 'http://127.0.0.1:9696')).toBe(true);
    expect(reusesConnections('never', 'https://cloud.example')).toBe(false);
  });
});

describe('createUpstreamAgent against a plain-http server', () => {
  let server: http.Server;
  let origin = '';
  const connections: number[] = [];
  beforeAll(async () => {
    server = http.createServer((_request, response) => response.end('{}'));
    server.on('connection', () => connections.push(Date.now()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const connectionsFor = async (mode: 'https' | 'always'): Promise<number> => {
    const agent = createUpstreamAgent(mode);
    const before = connections.length;
    for (let i = 0; i < 5; i += 1) {
      const response = await fetch(`${origin}/v2.0/networks`, { dispatcher: agent });
      expect(response.headers.get('connection')).toBe(mode === 'always' ? 'keep-alive' : 'close');
      await response.text();
    }
    await agent.close();
    return connections.length - before;
  };

  it('opens a connection per request under https (the origin is plain http)', async () => {
    expect(await connectionsFor('https')).toBe(5);
  });

  it('reuses its pooled connections under always', async () => {
    // Back to back, undici may open a second connection for a request sent before the last one's
    // connection was released; it never opens one per request.
    expect(await connectionsFor('always')).toBeLessThanOrEqual(2);
  });
});
