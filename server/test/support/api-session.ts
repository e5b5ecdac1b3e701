/**
 * A browser-like client for the BFF: keeps the session cookie between calls, like the SPA's
 * fetch with credentials. Answers are returned raw so tests assert status, headers and body.
 */
export interface ApiAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export class ApiSession {
  private cookie: string | null = null;

  constructor(readonly baseUrl: string) {}

  get cookieHeader(): string | null {
    return this.cookie;
  }

  private csrfToken: string | null = null;

  /** Like the SPA: mutations carry X-CSRF-Token from GET /api/csrf; a csrf_failed answer is retried once with a fresh one. */
  async request<T = any>(
    method: string,
    path: string,
    json?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> {
    const isMutation = !['GET', 'HEAD'].includes(method);
    if (isMutation && this.csrfToken === null) await this.refreshCsrfToken();
    let answer = await this.send<T>(method, path, json, headers, isMutation);
    if (isMutation && answer.status === 403 && (answer.body as any)?.error?.code === 'csrf_failed') {
      await this.refreshCsrfToken();
      answer = await this.send<T>(method, path, json, headers, isMutation);
    }
    return answer;
  }

  async refreshCsrfToken(): Promise<void> {
    const answer = await this.send<{ csrfToken: string }>('GET', '/api/csrf', undefined, {}, false);
    this.csrfToken = answer.body.csrfToken;
  }

  /** One raw request, no CSRF help: for tests of the defence itself. */
  async send<T = any>(
    method: string,
    path: string,
    json: unknown,
    headers: Record<string, string>,
    withCsrf: boolean,
  ): Promise<ApiAnswer<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(json === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(this.cookie ? { Cookie: this.cookie } : {}),
        ...(withCsrf && this.csrfToken ? { 'X-CSRF-Token': this.csrfToken } : {}),
        ...headers,
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const setCookie = response.headers.getSetCookie();
    for (const line of setCookie) {
      const pair = line.split(';')[0]!;
      this.cookie = /=$/.test(pair) || /Expires=Thu, 01 Jan 1970/i.test(line) ? null : pair;
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, headers: response.headers, body: body as T };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, json: unknown = {}) {
    return this.request<T>('POST', path, json);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}
