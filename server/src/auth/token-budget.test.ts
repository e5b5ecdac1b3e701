import { describe, expect, it, vi } from 'vitest';
import { RateLimitedError } from '../platform/errors.js';
import { SingleFlight } from '../platform/shared-state/single-flight.js';
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

describe('single flight with a settled window', () => {
  it('shares a settled result only with callers that accept it, for the window', async () => {
    vi.useFakeTimers();
    try {
      const flight = new SingleFlight<number>(10_000);
      let calls = 0;
      const work = async () => ++calls;
      expect(await flight.run('session', work)).toBe(1);
      // Arrived while run 1 was going (it accepts run 1's result): shares it.
      expect(await flight.run('session', work, (result) => result === 1)).toBe(1);
      // Arrived after run 1 finished (does not accept it): a new run.
      expect(await flight.run('session', work, () => false)).toBe(2);
      await vi.advanceTimersByTimeAsync(10_001);
      // Past the window nothing is kept, whatever the caller would accept.
      expect(await flight.run('session', work, () => true)).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never keeps a failure', async () => {
    const flight = new SingleFlight<number>(10_000);
    await expect(flight.run('k', () => Promise.reject(new Error('keystone down')))).rejects.toThrow(
      'keystone down',
    );
    expect(
      await flight.run(
        'k',
        async () => 5,
        () => true,
      ),
    ).toBe(5);
  });
});
