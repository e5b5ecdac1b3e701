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
