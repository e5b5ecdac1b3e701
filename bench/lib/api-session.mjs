/**
 * A browser-like client for the BFF (a plain-JS copy of server/test/support/api-session.ts):
 * keeps the session cookie, sends X-CSRF-Token from GET /api/csrf on every mutation.
 */
export class ApiSession {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    /** Cookie name → value, as a browser's jar keeps them (the session and the CSRF cookie). */
    this.cookies = new Map();
    this.csrfToken = null;
  }

  /** The session cookie alone (`name=value`), or null when there is no session. */
  get cookie() {
    for (const [name, value] of this.cookies)
      if (name === 'api-access.sid' || name === '__Host-api-access') return `${name}=${value}`;
    return null;
  }

  get cookieHeader() {
    if (this.cookies.size === 0) return null;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async refreshCsrfToken() {
    const answer = await this.send('GET', '/api/csrf');
    this.csrfToken = answer.body.csrfToken;
  }

  async request(method, path, json) {
    const isMutation = !['GET', 'HEAD'].includes(method);
    if (isMutation && this.csrfToken === null) await this.refreshCsrfToken();
    return this.send(method, path, json, isMutation);
  }

  async send(method, path, json, withCsrf = false) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(json === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(this.cookieHeader ? { Cookie: this.cookieHeader } : {}),
        ...(withCsrf && this.csrfToken ? { 'X-CSRF-Token': this.csrfToken } : {}),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0];
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      if (/=$/.test(pair) || /Expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(at + 1));
      // A new CSRF cookie (sign-in: a new session id) makes the token held so far worthless.
      if (/\.csrf$/.test(name)) this.csrfToken = null;
    }
    const text = await response.text();
    let body = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, headers: response.headers, body };
  }

  get(path) {
    return this.request('GET', path);
  }

  post(path, json = {}) {
    return this.request('POST', path, json);
  }

  delete(path) {
    return this.request('DELETE', path);
  }
}

/** A fresh session signed in (CSRF token fetched first); throws unless the BFF says 201 Created. */
export async function signIn(baseUrl, login) {
  const session = new ApiSession(baseUrl);
  let answer;
  try {
    await session.refreshCsrfToken();
    answer = await session.post('/api/session', login);
  } catch (error) {
    // A keep-alive socket closed under us (see runAlternatingPairs): once more on a new one.
    if (!(error instanceof TypeError && error.message === 'fetch failed')) throw error;
    await session.refreshCsrfToken();
    answer = await session.post('/api/session', login);
  }
  if (answer.status !== 201 && answer.status !== 200)
    throw new Error(
      `sign-in failed: HTTP ${answer.status} ${JSON.stringify(answer.body?.error?.code ?? '')}`,
    );
  return session;
}
