import { expect, type Page } from '@playwright/test';

/** A Fernet token, Keystone's default format (https://docs.openstack.org/keystone/latest/admin/fernet-token-faq.html). */
const fernetToken = /gAAAAA[\w-]{40,}/;

/**
 * Watches a page for the tokens it is given (GET /api/token/secret answers) and for every URL it
 * requests or navigates to, so that a story can end by checking that no token was left in browser
 * storage or put in a URL (issue 4: "No token in localStorage, sessionStorage, URLs or logs").
 */
export function watchForTokenLeaks(page: Page): { expectNoLeak: () => Promise<void> } {
  const tokens = new Set<string>();
  const urls: string[] = [];
  const reads: Promise<void>[] = [];
  page.on('request', (request) => urls.push(request.url()));
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) urls.push(frame.url());
  });
  page.on('response', (response) => {
    if (new URL(response.url()).pathname !== '/api/token/secret' || !response.ok()) return;
    reads.push(
      response
        .json()
        .then((body: { token?: unknown }) => {
          if (typeof body.token === 'string') tokens.add(body.token);
        })
        // The page may have moved on before the body could be read: nothing to learn then.
        .catch(() => undefined),
    );
  });

  return {
    async expectNoLeak() {
      await Promise.all(reads);
      const storage = page.isClosed()
        ? []
        : await page.evaluate(() =>
            [localStorage, sessionStorage].flatMap((store) =>
              Object.keys(store).map((key) => `${key}=${store.getItem(key) ?? ''}`),
            ),
          );
      const holdsToken = (text: string) =>
        fernetToken.test(text) || [...tokens].some((token) => text.includes(token));
      // The report names where a token was found, never the token itself.
      const redact = (text: string) =>
        [...tokens].reduce(
          (redacted, token) => redacted.replaceAll(token, '<token>'),
          text.replace(new RegExp(fernetToken.source, 'g'), '<token>'),
        );
      expect(storage.filter(holdsToken).map(redact), 'browser storage entries holding a token').toEqual([]);
      expect(urls.filter(holdsToken).map(redact), 'URLs holding a token').toEqual([]);
    },
  };
}
