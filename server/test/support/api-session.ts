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
  /** Cookie name → value, as a browser's jar keeps them for this site (session and CSRF cookies). */
  private readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  /** Every cookie, as the Cookie header a browser would send; null with none. */
  get cookieHeader(): string | null {
    if (this.cookies.size === 0) return null;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** The session cookie alone (`name=value`), or null before sign-in and after sign-out. */
  get sessionCookie(): string | null {
    for (const [name, value] of this.cookies)
      if (name === 'api-access.sid' || name === '__Host-api-access') return `${name}=${value}`;
    return null;
  }

  private csrfToken: string | null = null;

  /** The same browser talking to another BFF (a replica, a restart): its cookies, no CSRF token yet. */
  at(baseUrl: string): ApiSession {
    const moved = new ApiSession(baseUrl);
    for (const [name, value] of this.cookies) moved.cookies.set(name, value);
    return moved;
  }

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
        ...(this.cookieHeader ? { Cookie: this.cookieHeader } : {}),
        ...(withCsrf && this.csrfToken ? { 'X-CSRF-Token': this.csrfToken } : {}),
        ...headers,
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    this.keepCookies(response);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, headers: response.headers, body: body as T };
  }

  /**
   * A browser navigation (a link, or a form Keystone's page submits): Accept text/html, an
   * optional url-encoded form, redirects not followed so the test sees each hop.
   */
  async navigate(
    method: 'GET' | 'POST',
    path: string,
    options: { form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<ApiAnswer<string> & { location: string | null }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        Accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
        ...(options.form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
        ...(this.cookieHeader ? { Cookie: this.cookieHeader } : {}),
        ...options.headers,
      },
      body: options.form ? new URLSearchParams(options.form).toString() : undefined,
    });
    this.keepCookies(response);
    return {
      status: response.status,
      headers: response.headers,
      body: await response.text(),
      location: response.headers.get('location'),
    };
  }

  /** Drops a cookie, as a browser leaves a SameSite=Strict one out of a cross-site request. */
  forgetCookie(name: string): void {
    this.cookies.delete(name);
  }

  /** Whether the jar holds a cookie of this name. */
  hasCookie(name: string): boolean {
    return this.cookies.has(name);
  }

  private keepCookies(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      if (/=$/.test(pair) || /Expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(at + 1));
      // Like the SPA after a sign-in: a new CSRF cookie means the token it had is worthless.
      if (/\.csrf$/.test(name)) this.csrfToken = null;
    }
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
