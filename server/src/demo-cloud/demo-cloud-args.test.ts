import { describe, expect, it } from 'vitest';
import { parseDemoCloudArgs, parseDemoCloudCommand } from './demo-cloud-args.js';

describe('parseDemoCloudArgs', () => {
  it('maps every flag to a DemoCloudOptions field', () => {
    expect(
      parseDemoCloudArgs([
        '--profile',
        'vk',
        '--port',
        '5050',
        '--networks',
        '10000',
        '--token-lifetime',
        '120',
        '--clock-skew=-300',
        '--rate-limit',
        '5',
      ]),
    ).toEqual({
      profile: 'vk',
      port: 5050,
      networkCount: 10_000,
      tokenLifetimeSeconds: 120,
      clockSkewSeconds: -300,
      tokenCreationsPerMinute: 5,
    });
    expect(parseDemoCloudArgs([])).toEqual({});
    expect(parseDemoCloudArgs(['-h'])).toBe('help');
    expect(parseDemoCloudArgs(['--totp', '--clock-skew', '60'])).toEqual({
      passcodeFor: { clockSkewSeconds: 60 },
    });
    expect(parseDemoCloudCommand(['--port', '5050', '--clouds-yaml', '/tmp/demo.yaml'])).toEqual({
      request: { port: 5050 },
      cloudsYamlFile: '/tmp/demo.yaml',
    });
    expect(() => parseDemoCloudCommand(['--clouds-yaml='])).toThrow('--clouds-yaml needs a file name');
  });

  it('explains bad flags in words', () => {
    expect(() => parseDemoCloudArgs(['--profile', 'aws'])).toThrow(
      '--profile must be one of default, vk, ovh, nhn, got "aws"',
    );
    expect(() => parseDemoCloudArgs(['--networks', 'many'])).toThrow(
      '--networks must be a whole number, got "many"',
    );
    expect(() => parseDemoCloudArgs(['--port', '-1'])).toThrow(/--port/);
    expect(() => parseDemoCloudArgs(['--bogus'])).toThrow(/bogus/);
    expect(() => parseDemoCloudArgs(['extra'])).toThrow('Unexpected argument "extra"');
  });
});
