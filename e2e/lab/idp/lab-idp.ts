import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import Provider, { errors, type Configuration } from 'oidc-provider';
import { z } from 'zod';
import { findIdpAccount, type IdpAccount } from './idp-accounts.js';

/**
 * The lab's OpenID Connect provider (npm oidc-provider), for the federation's Keystone
 * (e2e/lab/federation-lab.sh starts it; lab only, never a real IdP):
 *
 * - issuer http://127.0.0.1:5101 with its own login form at /interaction/:uid;
 * - client `keystone-fedlab`: mod_auth_openidc in front of the federation's Keystone (authorization
 *   code flow for WebSSO; token introspection for bearer tokens);
 * - client `openstack-cli`: the resource owner password grant (ROPC), which oidc-provider does not
 *   ship, so that keystoneauth's v3oidcpassword and the lab tests get an access token without a browser;
 * - the `groups` claim (scope groups), in the ID token / userinfo and, through extraTokenClaims,
 *   in the introspection answer: Keystone's mapping reads it as OIDC-groups.
 * - the same app over TLS on 5103 (self-signed), only because mod_auth_openidc refuses an http://
 *   introspection URL.
 *
 * Everything is kept in memory (sessions, grants, tokens): a restart signs everybody out of the IdP.
 * https://docs.openstack.org/keystone/latest/admin/federation/configure_federation.html
 */

const environment = z
  .object({
    LAB_IDP_DIR: z.string().min(1),
    LAB_IDP_ISSUER: z.url(),
    LAB_IDP_PORT: z.coerce.number().int().positive(),
    LAB_IDP_TLS_PORT: z.coerce.number().int().positive(),
    LAB_IDP_KEYSTONE_REDIRECT_URI: z.url(),
    LAB_IDP_KEYSTONE_CLIENT_SECRET: z.string().min(16),
    LAB_IDP_CLI_CLIENT_SECRET: z.string().min(16),
  })
  .parse(process.env);

const host = '127.0.0.1';
const scopes = ['openid', 'email', 'profile', 'groups'];

function log(message: string) {
  console.log(`${new Date().toISOString()} lab-idp: ${message}`);
}

/** A JSON file made once and kept (mode 600): the signing key and the cookie keys survive restarts. */
function loadOrCreate<T>(file: string, create: () => T): T {
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  const value = create();
  fs.writeFileSync(file, JSON.stringify(value), { mode: 0o600 });
  return value;
}

const signingKey = loadOrCreate(path.join(environment.LAB_IDP_DIR, 'jwks.json'), () => {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: crypto.randomUUID(),
    use: 'sig',
    alg: 'RS256',
  };
});
const cookieKeys = loadOrCreate(path.join(environment.LAB_IDP_DIR, 'cookie-keys.json'), () => [
  crypto.randomBytes(32).toString('base64url'),
]);

function claimsOf(account: IdpAccount) {
  return {
    sub: account.name,
    email: account.email,
    email_verified: true,
    name: account.displayName,
    preferred_username: account.name,
    groups: account.groups,
  };
}

function isPasswordRight(account: IdpAccount, password: string): boolean {
  const want = crypto.createHash('sha256').update(account.password).digest();
  const got = crypto.createHash('sha256').update(password).digest();
  return crypto.timingSafeEqual(want, got);
}

function verifyPassword(username: string, password: string): IdpAccount | undefined {
  const account = findIdpAccount(username);
  return account && isPasswordRight(account, password) ? account : undefined;
}

const configuration: Configuration = {
  clients: [
    {
      client_id: 'keystone-fedlab',
      client_secret: environment.LAB_IDP_KEYSTONE_CLIENT_SECRET,
      redirect_uris: [environment.LAB_IDP_KEYSTONE_REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      // Lab only: ROPC hands the user's password to the client, which OAuth 2.0 Security BCP forbids.
      client_id: 'openstack-cli',
      client_secret: environment.LAB_IDP_CLI_CLIENT_SECRET,
      redirect_uris: [],
      grant_types: ['password'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  // A custom scope must be both here and in claims.
  scopes,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
    groups: ['groups'],
  },
  async findAccount(_ctx, id) {
    const account = findIdpAccount(id);
    if (!account) return undefined;
    return { accountId: account.name, claims: () => claimsOf(account) };
  },
  // Introspection answers carry these, so that Keystone's mapping sees OIDC-email and OIDC-groups on
  // the bearer path too (the code flow gets them from userinfo).
  extraTokenClaims(_ctx, token) {
    if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
    const account = findIdpAccount(token.accountId);
    return account ? { email: account.email, groups: account.groups } : undefined;
  },
  features: {
    devInteractions: { enabled: false },
    introspection: {
      enabled: true,
      // Keystone's relying party introspects every client's tokens; a client may introspect its own.
      allowedPolicy: (_ctx, client, token) =>
        client.clientId === 'keystone-fedlab' || token.clientId === client.clientId,
    },
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  // No consent screen: the lab grants every client the scopes it asks for.
  async loadExistingGrant(ctx) {
    const { client, session } = ctx.oidc;
    if (!client || !session?.accountId) return undefined;
    const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
    const grant =
      (grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined) ??
      new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope(scopes.join(' '));
    await grant.save();
    return grant;
  },
  cookies: { keys: cookieKeys },
  jwks: { keys: [signingKey] },
  ttl: { AccessToken: 3600, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
};

const provider = new Provider(environment.LAB_IDP_ISSUER, configuration);

/** ROPC (RFC 6749 section 4.3) for openstack-cli: username + password -> access token + ID token. */
provider.registerGrantType(
  'password',
  async (ctx) => {
    const { client, params } = ctx.oidc;
    const username = typeof params.username === 'string' ? params.username : '';
    const password = typeof params.password === 'string' ? params.password : '';
    const account = verifyPassword(username, password);
    if (!account) throw new errors.InvalidGrant('invalid username or password');
    const requested = (params.scope ?? 'openid').split(' ').filter((scope) => scopes.includes(scope));
    const scope = [...new Set(['openid', ...requested])].join(' ');
    const grant = new provider.Grant({ clientId: client.clientId, accountId: account.name });
    grant.addOIDCScope(scope);
    const grantId = await grant.save();
    const accessToken = new provider.AccessToken({
      accountId: account.name,
      client,
      grantId,
      gty: 'password',
      scope,
    });
    const idToken = new provider.IdToken({ ...claimsOf(account) }, { ctx });
    // The claims of these scopes only (IdToken.payload masks by it; missing in @types/oidc-provider).
    Object.assign(idToken, { scope });
    ctx.body = {
      access_token: await accessToken.save(),
      token_type: accessToken.tokenType,
      expires_in: accessToken.expiration,
      scope,
      id_token: await idToken.issue({ use: 'idtoken' }),
    };
    log(`password grant for ${account.name} (client ${client.clientId})`);
  },
  ['username', 'password', 'scope'],
);

provider.on('server_error', (_ctx, error) => log(`server_error: ${error.message}`));

// ---------------------------------------------------------------------------------- the login form

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid: string, clientId: string, username: string, failed: boolean): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Lab IdP: sign in</title>
<style>body{font-family:sans-serif;max-width:24rem;margin:4rem auto}label,input,button{display:block;margin:.4rem 0}
input{width:100%}.error{color:#b00020}</style></head>
<body>
<h1>Lab IdP</h1>
<p>Sign in to continue to <strong>${escapeHtml(clientId)}</strong>.</p>
${failed ? '<p class="error" role="alert">Invalid username or password</p>' : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
<label for="username">Username</label>
<input id="username" name="username" value="${escapeHtml(username)}" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" required>
<button type="submit">Sign in</button>
</form>
</body>
</html>
`;
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16_384) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const keystoneOrigin = new URL(environment.LAB_IDP_KEYSTONE_REDIRECT_URI).origin;

function sendHtml(res: http.ServerResponse, status: number, html: string) {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    // Chromium applies form-action to every redirect that follows the form's submission too: the
    // login's answer redirects to the relying party (Keystone's /redirect_uri), so it is allowed.
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${keystoneOrigin}`,
  });
  res.end(html);
}

/** GET /interaction/:uid (the form) and POST /interaction/:uid/login; the rest is oidc-provider's. */
async function handleInteraction(req: http.IncomingMessage, res: http.ServerResponse, pathname: string) {
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(pathname);
  if (!match) return sendHtml(res, 404, 'Not found');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== match[1]) return sendHtml(res, 400, 'This sign-in has expired: start again.');
  const clientId = String(details.params.client_id ?? '');
  if (req.method === 'GET' && !match[2])
    return sendHtml(res, 200, loginPage(details.uid, clientId, '', false));
  if (req.method !== 'POST' || !match[2]) return sendHtml(res, 405, 'Method not allowed');
  const form = await readForm(req);
  const username = form.get('username') ?? '';
  const account = verifyPassword(username, form.get('password') ?? '');
  if (!account) {
    log(`failed sign-in for ${JSON.stringify(username.slice(0, 64))}`);
    return sendHtml(res, 200, loginPage(details.uid, clientId, username, true));
  }
  log(`${account.name} signed in (client ${clientId})`);
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: account.name } },
    {
      mergeWithLastSubmission: false,
    },
  );
}

const oidcCallback = provider.callback();

function handle(req: http.IncomingMessage, res: http.ServerResponse) {
  const pathname = new URL(req.url ?? '/', environment.LAB_IDP_ISSUER).pathname;
  if (pathname.startsWith('/interaction/')) {
    handleInteraction(req, res, pathname).catch((error: unknown) => {
      log(`interaction error: ${(error as Error).message}`);
      if (!res.headersSent) sendHtml(res, 400, 'This sign-in has expired or is invalid: start again.');
      else res.end();
    });
    return;
  }
  oidcCallback(req, res);
}

// The TLS port serves the same app; the issuer stays http://127.0.0.1:5101 (mod_auth_openidc only
// calls the introspection endpoint there).
const tls = {
  key: fs.readFileSync(path.join(environment.LAB_IDP_DIR, 'tls.key')),
  cert: fs.readFileSync(path.join(environment.LAB_IDP_DIR, 'tls.crt')),
};
http.createServer(handle).listen(environment.LAB_IDP_PORT, host, () => {
  log(`issuer ${environment.LAB_IDP_ISSUER} listening on http://${host}:${environment.LAB_IDP_PORT}`);
});
https.createServer(tls, handle).listen(environment.LAB_IDP_TLS_PORT, host, () => {
  log(`introspection over TLS on https://${host}:${environment.LAB_IDP_TLS_PORT}`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => process.exit(0));
}
