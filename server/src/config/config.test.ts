import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('login throttle settings', () => {
  it('default to 30 attempts per address and 10 per username per minute', () => {
    const config = loadConfig({ HOME: '/tmp' });
    expect(config.loginAttemptsPerMinutePerAddress).toBe(30);
    expect(config.loginAttemptsPerMinutePerUsername).toBe(10);
  });

  it('are read from LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS and _PER_USERNAME', () => {
    const config = loadConfig({
      HOME: '/tmp',
      LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS: '120',
      LOGIN_ATTEMPTS_PER_MINUTE_PER_USERNAME: '5',
    });
    expect(config.loginAttemptsPerMinutePerAddress).toBe(120);
    expect(config.loginAttemptsPerMinutePerUsername).toBe(5);
  });

  it('refuse zero and non-numbers, naming the variable', () => {
    expect(() => loadConfig({ LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOGIN_ATTEMPTS_PER_MINUTE_PER_USERNAME: 'many' })).toThrow(
      /LOGIN_ATTEMPTS_PER_MINUTE_PER_USERNAME/,
    );
  });
});

describe('TRUST_PROXY', () => {
  const load = (TRUST_PROXY: string) => loadConfig({ HOME: '/tmp', TRUST_PROXY });

  it('accepts a small hop count, proxy addresses and ranges, and Express names', () => {
    expect(load('false').trustProxy).toBe(false);
    expect(load('0').trustProxy).toBe(false);
    expect(load('1').trustProxy).toBe(1);
    expect(load('3').trustProxy).toBe(3);
    expect(load('loopback').trustProxy).toBe('loopback');
    expect(load('loopback, 10.0.0.0/8, fd00::/8').trustProxy).toBe('loopback, 10.0.0.0/8, fd00::/8');
    expect(load('192.0.2.10,2001:db8::1').trustProxy).toBe('192.0.2.10,2001:db8::1');
    expect(load('172.16.0.0/255.240.0.0').trustProxy).toBe('172.16.0.0/255.240.0.0');
    expect(load('linklocal,uniquelocal').trustProxy).toBe('linklocal,uniquelocal');
  });

  // Trusting everyone lets any client name its own address in X-Forwarded-For: the sign-in
  // throttle per address then counts whatever the attacker writes there.
  it.each([
    ['true', /never "true"/],
    ['TRUE', /never "true"/],
    ['0.0.0.0/0', /0\.0\.0\.0\/0 trusts every/],
    ['::/0', /::\/0 trusts every/],
    ['loopback,0.0.0.0/0', /0\.0\.0\.0\/0 trusts every/],
    ['1.0.0.0/1', /1\.0\.0\.0\/1 trusts every/],
    ['0.0.0.0/0.0.0.0', /trusts every/],
    ['::ffff:0:0/96', /every IPv4 client/],
    ['::/64', /every IPv4 client/],
    ['4', /hop count of at most 3/],
    ['100', /hop count of at most 3/],
  ])('refuses %s, which trusts every client, with a message that says what to set', (value, reason) => {
    expect(() => load(value)).toThrow(ConfigError);
    expect(() => load(value)).toThrow(reason);
    expect(() => load(value)).toThrow(/TRUST_PROXY: .*\(1 for one nginx in front\)/s);
  });

  it('refuses what Express would only reject with a stack trace: unknown names, malformed ranges', () => {
    for (const value of ['yes', '*', 'proxy.example.org', '10.0.0.0/33', '10.0.0/8', '1.5', '-1', ','])
      expect(() => load(value), value).toThrow(/TRUST_PROXY: /);
  });
});

describe('PUBLIC_URL (the origin browsers use; the WebSSO callback is built from it)', () => {
  it('defaults to http://HOST:PORT, loopback for a wildcard address and brackets for IPv6', () => {
    expect(loadConfig({ HOME: '/tmp' }).publicUrl).toBe('http://127.0.0.1:8080');
    expect(loadConfig({ HOME: '/tmp', HOST: '0.0.0.0', PORT: '9000' }).publicUrl).toBe(
      'http://127.0.0.1:9000',
    );
    expect(loadConfig({ HOME: '/tmp', HOST: '::1' }).publicUrl).toBe('http://[::1]:8080');
  });

  it('is an origin: a trailing slash is fine, a path, a query or another scheme are refused by name', () => {
    expect(loadConfig({ HOME: '/tmp', PUBLIC_URL: 'https://API.example.com/' }).publicUrl).toBe(
      'https://api.example.com',
    );
    for (const value of [
      'https://example.com/dashboard',
      'https://example.com/?a=1',
      'ftp://example.com',
      'x',
    ])
      expect(() => loadConfig({ HOME: '/tmp', PUBLIC_URL: value })).toThrow(/PUBLIC_URL/);
  });
});

describe('UPSTREAM_KEEP_ALIVE', () => {
  it('defaults to https and accepts always and never', () => {
    expect(loadConfig({ HOME: '/tmp' }).upstreamKeepAlive).toBe('https');
    expect(loadConfig({ HOME: '/tmp', UPSTREAM_KEEP_ALIVE: 'always' }).upstreamKeepAlive).toBe('always');
    expect(loadConfig({ HOME: '/tmp', UPSTREAM_KEEP_ALIVE: 'never' }).upstreamKeepAlive).toBe('never');
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => loadConfig({ UPSTREAM_KEEP_ALIVE: 'yes' })).toThrow(/UPSTREAM_KEEP_ALIVE/);
  });
});
