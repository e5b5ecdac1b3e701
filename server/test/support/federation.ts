import http from 'node:http';
import type { LabFacts, LabFederation } from './lab-facts.js';
import { sendRaw } from './raw-http.js';

/**
 * Federated Keystone tokens from the lab's federation (e2e/lab/federation-lab.sh) without a
 * browser, for the BFF's lab tests:
 *
 *   IdP password grant (client openstack-cli, lab only) -> access token
 *   -> POST {keystone}/v3/OS-FEDERATION/identity_providers/labidp/protocols/openid/auth
 *      with Authorization: Bearer (mod_auth_openidc introspects it at the IdP over TLS and hands
 *      the claims to Keystone, whose mapping makes the user and its groups)
 *   -> X-Subject-Token: an unscoped token, methods ["openid"].
 *
 * The same token the browser's WebSSO gets, minus the browser (which only the e2e stories can drive).
 * https://docs.openstack.org/keystone/latest/admin/federation/configure_federation.html
 * https://docs.openstack.org/api-ref/identity/v3-ext/#request-an-unscoped-os-federation-token
 * Nothing here prints or throws a token, a password or a secret.
 */

export type FederatedUserName = keyof LabFederation['users'];

const timeoutMs = 15_000;

/** lab.json's federation; throws with the fix when the lab runs without it. */
export function federationOf(facts: LabFacts): LabFederation {
  if (!facts.federation) {
    throw new Error(
      'lab.json has no federation (the lab runs with OSLAB_FEDERATION=0?). Start it with: npm run lab -- start',
    );
  }
  return facts.federation;
}

async function describeFailure(response: Response): Promise<string> {
  // Keystone's and the IdP's error bodies hold no secret; keep them short.
  return `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
}

/**
 * An access token of the lab IdP for `userName`, by the resource owner password grant (RFC 6749
 * section 4.3) of client openstack-cli, with the scopes Keystone's mapping reads (email, groups).
 */
export async function obtainIdpAccessToken(facts: LabFacts, userName: FederatedUserName): Promise<string> {
  const federation = federationOf(facts);
  const user = federation.users[userName];
  const { id, secret } = federation.cliClient;
  const response = await fetch(`${federation.idpUrl}/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    },
    body: new URLSearchParams({
      grant_type: 'password',
      username: user.name,
      password: user.password,
      scope: 'openid email profile groups',
    }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (response.status !== 200) {
    throw new Error(
      `The lab IdP refused the password grant for ${userName}: ${await describeFailure(response)}`,
    );
  }
  const { access_token: accessToken } = (await response.json()) as { access_token?: unknown };
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new Error(`The lab IdP answered the password grant for ${userName} without an access_token`);
  }
  return accessToken;
}

export interface FederatedTokenAnswer {
  /** 201 with a token; 401 when the mapping gives the user nothing (carol). */
  status: number;
  /** X-Subject-Token, when Keystone issued one. */
  token?: string;
  /** Keystone's JSON answer (the token's body on 201, the error otherwise). */
  body: unknown;
}

/** Keystone's answer to the bearer path for `userName`, whatever it is (for tests of refusals). */
export async function requestFederatedToken(
  facts: LabFacts,
  userName: FederatedUserName,
): Promise<FederatedTokenAnswer> {
  const federation = federationOf(facts);
  const accessToken = await obtainIdpAccessToken(facts, userName);
  const response = await fetch(
    `${federation.keystoneUrl}/v3/OS-FEDERATION/identity_providers/${federation.identityProvider}` +
      `/protocols/${federation.protocol}/auth`,
    {
      method: 'POST',
      headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    },
  );
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // mod_auth_openidc's own refusals are HTML
  }
  return { status: response.status, token: response.headers.get('x-subject-token') ?? undefined, body };
}

/** An unscoped federated Keystone token of `userName` (alice, bob); throws when Keystone refuses. */
export async function obtainFederatedToken(facts: LabFacts, userName: FederatedUserName): Promise<string> {
  const answer = await requestFederatedToken(facts, userName);
  if (answer.status !== 201 || !answer.token) {
    throw new Error(
      `The federation's Keystone gave ${userName} no token: HTTP ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`,
    );
  }
  return answer.token;
}

/** Whether the federation's Keystone says the token is valid (its tokens are unknown to the main lab's). */
export async function isTokenValid(facts: LabFacts, token: string): Promise<boolean> {
  // https://docs.openstack.org/api-ref/identity/v3/#validate-and-show-information-for-token
  const response = await fetch(`${federationOf(facts).keystoneUrl}/v3/auth/tokens?nocatalog`, {
    headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (response.status === 200) return true;
  if (response.status === 401 || response.status === 404) return false;
  throw new Error(`The federation's Keystone answered the validation with HTTP ${response.status}`);
}

// ------------------------------------------------------------------------ WebSSO, walked by hand

/** Cookies of 127.0.0.1 (all ports share them, as in a browser): name -> value and path. */
class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  store(setCookie: string[]) {
    for (const line of setCookie) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path = attributes.find((a) => /^path=/i.test(a))?.slice(5) || '/';
      const maxAge = attributes.find((a) => /^max-age=/i.test(a))?.slice(8);
      const expires = attributes.find((a) => /^expires=/i.test(a))?.slice(8);
      const expired =
        value === '' ||
        (maxAge !== undefined && Number(maxAge) <= 0) ||
        (expires && Date.parse(expires) < Date.now());
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, { value, path });
    }
  }

  headerFor(url: URL): string {
    return [...this.cookies]
      .filter(([, cookie]) => url.pathname.startsWith(cookie.path))
      .map(([name, cookie]) => `${name}=${cookie.value}`)
      .join('; ');
  }
}

export interface WebSsoAnswer {
  /** Status of the last answer: 200 when Keystone rendered its callback form, 401 when it refused. */
  status: number;
  /** The form's action: where a browser would now POST the token (Keystone's `origin`). */
  callbackUrl?: string;
  /** The unscoped token the form carries (field `token`). */
  token?: string;
  /** Every request made, as "STATUS METHOD host:port/path" (no query: it holds codes and state). */
  hops: string[];
}

/**
 * Keystone WebSSO the way a browser walks it, without one: a top-level navigation
 * (Sec-Fetch-Mode: navigate, Accept: text/html; anything else gets 401 from mod_auth_openidc) to
 *   {keystone}/v3/auth/OS-FEDERATION/identity_providers/labidp/protocols/openid/websso?origin=…
 * -> the IdP's login form, filled in -> back to mod_auth_openidc's /redirect_uri -> Keystone's
 * auto-submitting form that would POST the token to `origin`. The form is read, not submitted.
 * https://docs.openstack.org/keystone/latest/admin/federation/configure_federation.html#configuring-horizon-as-a-websso-frontend
 */
export async function walkWebSso(
  facts: LabFacts,
  userName: FederatedUserName,
  origin: string,
): Promise<WebSsoAnswer> {
  const federation = federationOf(facts);
  const user = federation.users[userName];
  const jar = new CookieJar();
  const hops: string[] = [];
  let url = new URL(
    `${federation.keystoneUrl}/v3/auth/OS-FEDERATION/identity_providers/${federation.identityProvider}` +
      `/protocols/${federation.protocol}/websso?origin=${encodeURIComponent(origin)}`,
  );
  let method = 'GET';
  let body: URLSearchParams | undefined;
  // node:http, not fetch: undici always sends Sec-Fetch-Mode: cors, which mod_auth_openidc answers
  // with 401 instead of the redirect to the IdP.
  const agent = new http.Agent({ keepAlive: false });
  try {
    for (let hop = 0; hop < 15; hop += 1) {
      const cookie = jar.headerFor(url);
      const answer = await sendRaw(url.origin, agent, {
        method,
        path: `${url.pathname}${url.search}`,
        headers: {
          Host: url.host,
          Accept: 'text/html,application/xhtml+xml',
          'Sec-Fetch-Mode': 'navigate',
          'Sec-Fetch-Dest': 'document',
          ...(cookie ? { Cookie: cookie } : {}),
          ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: body?.toString(),
        label: `WebSSO ${method} ${url.host}${url.pathname}`,
        timeoutMs,
      });
      jar.store(answer.headers['set-cookie'] ?? []);
      hops.push(`${answer.status} ${method} ${url.host}${url.pathname}`);
      const location = answer.headers.location;
      if (answer.status >= 300 && answer.status < 400 && location) {
        url = new URL(location, url);
        method = 'GET';
        body = undefined;
        continue;
      }
      if (
        answer.status === 200 &&
        url.origin === federation.idpUrl &&
        /^\/interaction\/[^/]+$/.test(url.pathname)
      ) {
        // The IdP's login form: sign in.
        method = 'POST';
        body = new URLSearchParams({ username: user.name, password: user.password });
        url = new URL(`${url.pathname}/login`, url);
        continue;
      }
      const form = /<form[^>]*action="([^"]*)"[\s\S]*?name="token"[^>]*value="([^"]*)"/.exec(answer.text);
      return { status: answer.status, callbackUrl: form?.[1], token: form?.[2], hops };
    }
  } finally {
    agent.destroy();
  }
  throw new Error(`WebSSO for ${userName} did not end within 15 requests: ${hops.join(', ')}`);
}
