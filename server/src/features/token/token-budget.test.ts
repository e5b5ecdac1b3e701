import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../errors.js';
import { SingleFlight } from './single-flight.js';
import { TokenBudget } from './token-budget.js';

describe('token budget', () => {
  it('allows the budget per sliding minute, then says how long to wait', async () => {
    let now = 0;
    const budget = new TokenBudget(3, () => now);
    await budget.spend('u');
    now = 20_000;
    await budget.spend('u');
    await budget.spend('u');
    await budget.spend('other-user');
    let error: unknown;
    try {
      await budget.spend('u');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfter).toBe(40);
    now = 60_001;
    await expect(budget.spend('u')).resolves.toBeUndefined();
  });
});

describe('single flight', () => {
  it('runs concurrent work with one key once, and again after it settles', async () => {
    const flight = new SingleFlight<number>();
    let calls = 0;
    const work = async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return calls;
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => flight.run('s', work)));
    expect(results).toEqual(Array(10).fill(1));
    expect(await flight.run('s', work)).toBe(2);
    await expect(flight.run('x', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await flight.run('x', async () => 7)).toBe(7);
  });
});
