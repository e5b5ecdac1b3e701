import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError, UpstreamUnavailableError } from '../platform/errors.js';
import { MAX_UPSTREAM_BODY_BYTES, openstackFetch, USER_AGENT } from './openstack-fetch.js';

/**
 * The one door to the upstreams, against a plain Node server playing each answer: what the
 * callers rely on (status, headers by name, the JSON body) and how each way of failing maps to
 * our errors, whatever client library is underneath.
 */

let server: http.Server;
let origin = '';
const seen: { method?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method, headers: req.headers, body });
      switch (req.url) {
        case '/token':
          res.writeHead(201, [
            'Content-Type',
            'application/json',
            'X-Subject-Token',
            'gAAAAB-token',
            'Vary',
            'X-Auth-Token',
            'Vary',
            'Accept',
          ]);
          res.end(JSON.stringify({ token: { methods: ['password'] } }));
          return;
        case '/redirect':
          res.writeHead(302, { Location: 'http://elsewhere.example/steal' }).end();
          return;
        case '/head':
          // The length the body would have: past the cap, which does not apply to a HEAD.
          res.writeHead(200, {
            'Content-Type': 'application/json',
            'Content-Length': String(MAX_UPSTREAM_BODY_BYTES + 1),
          });
          res.end();
          return;
        case '/gzip':
        case '/deflate':
        case '/br': {
          const json = Buffer.from(JSON.stringify({ networks: [{ id: 'n1', name: 'compressed' }] }));
          const encode = { '/gzip': gzipSync, '/deflate': deflateSync, '/br': brotliCompressSync }[req.url];
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': req.url.slice(1) });
          res.end(encode(json));
          return;
        }
        case '/gzip-bomb':
          // 9 MiB of spaces, about 9 KiB on the wire.
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
          res.end(gzipSync(Buffer.alloc(MAX_UPSTREAM_BODY_BYTES + 1024 * 1024, ' ')));
          return;
        case '/bad-gzip':
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
          res.end('{"not": "gzip"}');
          return;
        case '/zstd':
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'zstd' });
          res.end('(zstd bytes)');
          return;
        case '/slow-headers':
          setTimeout(() => res.writeHead(200).end('{}'), 2_000).unref();
          return;
        case '/slow-body':
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.write('{"networks": [');
          setTimeout(() => res.end(']}'), 2_000).unref();
          return;
        case '/rate-limited':
          res.writeHead(429, { 'Retry-After': '7' }).end();
          return;
        case '/html':
          res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>maintenance</html>');
          return;
        default:
          res.writeHead(404, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ NeutronError: { message: 'not here' } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('openstackFetch', () => {
  it('posts JSON and returns the status, the headers by name (any case) and the parsed body', async () => {
    const answer = await openstackFetch(`${origin}/token`, {
      service: 'Keystone',
      method: 'POST',
      json: { auth: { identity: { methods: ['password'] } } },
      headers: { 'X-Auth-Token': 'admin' },
      timeoutMs: 1_000,
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('X-Subject-Token')).toBe('gAAAAB-token');
    expect(answer.headers.get('x-subject-token')).toBe('gAAAAB-token');
    expect(answer.headers.get('vary')).toBe('X-Auth-Token, Accept');
    expect(answer.headers.get('retry-after')).toBeNull();
    expect(answer.body).toEqual({ token: { methods: ['password'] } });
    const request = seen.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.accept).toBe('application/json');
    expect(request.headers['x-auth-token']).toBe('admin');
    expect(request.headers['user-agent']).toBe(USER_AGENT);
    expect(request.headers['accept-encoding']).toBe('gzip, deflate, br');
    expect(JSON.parse(request.body)).toEqual({ auth: { identity: { methods: ['password'] } } });
  });

  it('returns a 4xx to the caller with its body', async () => {
    const answer = await openstackFetch(`${origin}/missing`, { service: 'Neutron', timeoutMs: 1_000 });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ NeutronError: { message: 'not here' } });
  });

  it('undoes gzip, deflate and br', async () => {
    for (const path of ['/gzip', '/deflate', '/br']) {
      const answer = await openstackFetch(`${origin}${path}`, { service: 'Neutron', timeoutMs: 1_000 });
      expect(answer.body, path).toEqual({ networks: [{ id: 'n1', name: 'compressed' }] });
    }
  });

  it('caps a compressed body at its decompressed size', async () => {
    await expect(
      openstackFetch(`${origin}/gzip-bomb`, { service: 'Neutron', timeoutMs: 5_000 }),
    ).rejects.toThrow(
      new UpstreamError(
        'Neutron answered with a larger body, more than the 8 MiB API Access reads of an answer.',
      ),
    );
  });

  it('refuses a body that does not decompress, or in an encoding it does not read', async () => {
    await expect(
      openstackFetch(`${origin}/bad-gzip`, { service: 'Neutron', timeoutMs: 1_000 }),
    ).rejects.toThrow(new UpstreamError('Neutron answered with a gzip body that does not decompress.'));
    await expect(openstackFetch(`${origin}/zstd`, { service: 'Neutron', timeoutMs: 1_000 })).rejects.toThrow(
      new UpstreamError('Neutron answered in an encoding API Access does not read (zstd).'),
    );
  });

  it('answers a HEAD without reading a body, whatever length it announces', async () => {
    const answer = await openstackFetch(`${origin}/head`, {
      service: 'Keystone',
      method: 'HEAD',
      timeoutMs: 1_000,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toBeUndefined();
  });

  it('never follows a redirect', async () => {
    const before = seen.length;
    await expect(
      openstackFetch(`${origin}/redirect`, { service: 'Keystone', timeoutMs: 1_000 }),
    ).rejects.toThrow(new UpstreamError('Keystone answered with a redirect (302), which is not followed.'));
    expect(seen.length).toBe(before + 1);
  });

  it('maps 429 to rate_limited with the upstream Retry-After', async () => {
    await expect(
      openstackFetch(`${origin}/rate-limited`, { service: 'Neutron', timeoutMs: 1_000 }),
    ).rejects.toMatchObject({ code: 'rate_limited', retryAfter: 7 });
  });

  it('refuses a 200 whose body is not JSON', async () => {
    await expect(openstackFetch(`${origin}/html`, { service: 'Neutron', timeoutMs: 1_000 })).rejects.toThrow(
      UpstreamError,
    );
  });

  it('gives up at the timeout, before the headers and in the middle of the body alike', async () => {
    for (const path of ['/slow-headers', '/slow-body']) {
      const failure = openstackFetch(`${origin}${path}`, { service: 'Neutron', timeoutMs: 150 });
      await expect(failure, path).rejects.toThrow(
        new UpstreamUnavailableError('Neutron did not answer within 0.15 s.', true),
      );
      await expect(failure, path).rejects.toMatchObject({ isTimeout: true });
    }
  });

  it('names the system error of an origin that cannot be reached, and nothing else of it', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(
      openstackFetch(`http://127.0.0.1:${port}/v3`, { service: 'Keystone', timeoutMs: 1_000 }),
    ).rejects.toThrow(new UpstreamUnavailableError('Keystone cannot be reached (ECONNREFUSED).'));
  });
});
