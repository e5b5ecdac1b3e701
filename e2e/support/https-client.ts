import http from 'node:http';
import https from 'node:https';

export interface ClientAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
}

/**
 * A script talking to API Access through nginx from its own address on the loopback network
 * (127.0.0.2, 127.0.0.3…: Linux routes all of 127.0.0.0/8 to lo), so that nginx sees distinct
 * client addresses as it would see distinct hosts. It verifies nginx's certificate with the test's
 * CA, keeps its session cookie and CSRF token like the SPA, and can write any X-Forwarded-For.
 */
export class ApiClientAt {
  /** Cookie name → value, as a browser's jar would keep them for this site. */
  private readonly cookies = new Map<string, string>();
  private csrfToken: string | null = null;

  constructor(
    private readonly baseUrl: string,
    private readonly ca: string,
    readonly address: string,
  ) {}

  /** POST /api/session with a password, claiming to be `forwardedFor`; the answer's status. */
  async signIn(
    login: { cloud: string; username: string; password: string },
    forwardedFor: string,
  ): Promise<ClientAnswer> {
    if (this.csrfToken === null) {
      const { body } = await this.send('GET', '/api/csrf');
      this.csrfToken = (JSON.parse(body) as { csrfToken: string }).csrfToken;
    }
    const { status, headers } = await this.send('POST', '/api/session', login, {
      'X-CSRF-Token': this.csrfToken,
      'X-Forwarded-For': forwardedFor,
    });
    return { status, headers };
  }

  private send(
    method: string,
    path: string,
    json?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ClientAnswer & { body: string }> {
    const body = json === undefined ? undefined : JSON.stringify(json);
    return new Promise((resolve, reject) => {
      const request = https.request(
        new URL(path, this.baseUrl),
        {
          method,
          ca: this.ca,
          localAddress: this.address,
          agent: false,
          headers: {
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
            ...(this.cookies.size > 0
              ? { Cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') }
              : {}),
            ...headers,
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            for (const line of response.headers['set-cookie'] ?? []) {
              const pair = line.split(';')[0]!;
              const at = pair.indexOf('=');
              this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
            }
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text });
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }
}

/** A plain-HTTP GET that does not follow redirects: the status and Location nginx answers. */
export function getWithoutFollowing(url: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, location: response.headers.location });
      })
      .on('error', reject);
  });
}
