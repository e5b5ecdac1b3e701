import { expect, type Page } from '@playwright/test';

/** The session's current token, asked of the BFF with the page's own session cookie. */
export async function readTokenFromBff(page: Page): Promise<string> {
  const response = await page.request.get('/api/token/secret');
  expect(response.status(), 'GET /api/token/secret').toBe(200);
  expect(response.headers()['cache-control']).toContain('no-store');
  const body = (await response.json()) as { token: string };
  return body.token;
}
