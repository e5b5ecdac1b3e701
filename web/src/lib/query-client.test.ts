import { MutationObserver, QueryClient, type DefaultError } from '@tanstack/react-query';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ApiError } from './api-client';
import { clearSessionQueries, sessionInfoKey, sessionRootKey } from './query-client';

describe('the registered error type', () => {
  // Checked by the type checker (npx tsc -p web): without the Register declaration DefaultError is Error.
  it('is ApiError for every query and mutation', () => {
    expectTypeOf<DefaultError>().toEqualTypeOf<ApiError>();
  });
});

describe('clearSessionQueries', () => {
  it('drops every query under the session root and the settled mutations, and keeps the rest', async () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(sessionInfoKey, { cloud: 'lab' });
    queryClient.setQueryData([...sessionRootKey, 'token', 'info'], { id: 't' });
    queryClient.setQueryData([...sessionRootKey, 'networks', 'RegionOne', 'public', {}], { pages: [] });
    queryClient.setQueryData(['clouds'], { clouds: [] });
    const mutations = queryClient.getMutationCache();
    await new MutationObserver(queryClient, { mutationFn: () => Promise.resolve('done') }).mutate();
    let finish: (value: string) => void = () => undefined;
    const answer = new Promise<string>((resolve) => (finish = resolve));
    const running = new MutationObserver(queryClient, { mutationFn: () => answer }).mutate();
    const pending = mutations.getAll().find((mutation) => mutation.state.status === 'pending');
    expect(pending).toBeDefined();
    expect(mutations.getAll()).toHaveLength(2);

    clearSessionQueries(queryClient);

    expect(
      queryClient
        .getQueryCache()
        .getAll()
        .map((query) => query.queryKey),
    ).toEqual([['clouds']]);
    // The sign-in being adopted is still pending when it clears the earlier session's answers.
    expect(mutations.getAll()).toEqual([pending]);
    finish('signed in');
    await expect(running).resolves.toBe('signed in');
  });
});
