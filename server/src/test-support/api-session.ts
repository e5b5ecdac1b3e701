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

  async request<T = any>(method: string, path: string, json?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(json === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(this.cookie ? { Cookie: this.cookie } : {}),
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
