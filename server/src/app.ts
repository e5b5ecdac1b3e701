import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import type session from 'express-session';
import type { CloudRegistry } from './config/clouds-config.js';
import type { Config } from './config/config.js';
import { createSecretBox } from './platform/secret-box.js';
import type { TokenLedgerStore } from './auth/token-ledger.js';
import { createAuthServices } from './auth/create-auth-services.js';
import { createCatalogRouter } from './features/catalog/catalog-router.js';
import { CatalogService } from './features/catalog/catalog-service.js';
import { createCredentialsRouter } from './features/credentials/credentials-router.js';
import { CredentialsService } from './features/credentials/credentials-service.js';
import { createCloudsRouter } from './features/clouds/clouds-router.js';
import { createHealthRouter } from './features/health/health-router.js';
import { createNetworksReadRouter, createNetworksRouter } from './features/networks/networks-router.js';
import { NetworksService } from './features/networks/networks-service.js';
import { createInspectorRouter } from './features/inspector/inspector-router.js';
import { InspectorService } from './features/inspector/inspector-service.js';
import { createScopesRouter } from './features/scopes/scopes-router.js';
import { ScopesService } from './features/scopes/scopes-service.js';
import { createSecondFactorRouter } from './features/second-factor/second-factor-router.js';
import { SecondFactorService } from './features/second-factor/second-factor-service.js';
import { createLoginThrottle } from './features/sign-in/login-throttle.js';
import { createSignInRouter } from './features/sign-in/sign-in-router.js';
import { SignInService } from './features/sign-in/sign-in-service.js';
import { ssoCallbackUrl } from './features/sso/sso-callback-url.js';
import { SsoMarkerSigner } from './features/sso/sso-marker.js';
import { createSsoRouter } from './features/sso/sso-router.js';
import { SsoService } from './features/sso/sso-service.js';
import { createTokenStatusRouter, createTokensRouter } from './features/tokens/tokens-router.js';
import { TokensService } from './features/tokens/tokens-service.js';
import { createCsrf } from './http/csrf.js';
import { apiNotFound, createErrorHandler } from './http/error-handler.js';
import { requestLog } from './http/request-log.js';
import { requireJsonBody } from './http/require-json.js';
import { securityHeaders } from './http/security-headers.js';
import {
  createSessionMiddleware,
  endUnreadableSession,
  sessionCookieName,
} from './http/session-middleware.js';
import { createStoredSessionReader } from './http/stored-session-reader.js';
import type { Logger } from './platform/logger.js';
import { createMemorySharedState, type SharedState } from './platform/shared-state/shared-state.js';

export type AppConfig = Pick<
  Config,
  | 'sessionIdleTimeoutMs'
  | 'sessionAbsoluteTimeoutMs'
  | 'keepPasswordForReissue'
  | 'upstreamTimeoutMs'
  | 'tokenCreationsPerMinute'
  | 'loginAttemptsPerMinutePerAddress'
  | 'loginAttemptsPerMinutePerUsername'
  | 'secureCookies'
  | 'trustProxy'
  | 'staticDir'
  | 'publicUrl'
>;

export interface AppDeps {
  config: AppConfig;
  clouds: CloudRegistry;
  sessionStore: session.Store;
  /** The sessions' token ledgers, kept by the same store (http/session-store.ts). */
  ledgerStore: TokenLedgerStore;
  isStoreReachable: () => Promise<boolean>;
  /** Rate windows and single flights; in memory by default, Redis-backed beside a Redis store. */
  sharedState?: SharedState;
  /** Sign cookies and seal session secrets; the first is current, the rest still accepted (rotation). */
  secrets: string[];
  logger: Logger;
  now?: () => number;
  /** The login throttle's window; a minute unless a test needs it short. */
  loginThrottleWindowMs?: number;
}

/** The Express app without listen(), so tests run it in-process on port 0. */
export function createApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  // Every API answer is Cache-Control: no-store, so nothing keeps it to revalidate: an ETag would
  // only cost a SHA-1 of each body. The SPA's files keep theirs (express.static makes its own).
  app.set('etag', false);

  const sharedState = deps.sharedState ?? createMemorySharedState();
  const auth = createAuthServices({
    clouds: deps.clouds,
    ledgerStore: deps.ledgerStore,
    secretBox: createSecretBox(deps.secrets),
    logger,
    sharedState,
    keepPasswordForReissue: config.keepPasswordForReissue,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    tokenCreationsPerMinute: config.tokenCreationsPerMinute,
    now: deps.now ?? Date.now,
  });

  app.use(requestLog(logger));
  app.use(securityHeaders);

  const api = express.Router();
  const tokens = new TokensService(auth);
  const networks = new NetworksService(auth, config.upstreamTimeoutMs);
  // The reads the SPA polls or pages through: a signed-in session straight from the store (ADR 0018).
  const readStoredSession = createStoredSessionReader({
    store: deps.sessionStore,
    secrets: deps.secrets,
    cookieName: sessionCookieName(config.secureCookies),
    absoluteTimeoutMs: config.sessionAbsoluteTimeoutMs,
  });
  api.use(createTokenStatusRouter(tokens, readStoredSession));
  api.use(createNetworksReadRouter(networks, readStoredSession));
  api.use(createHealthRouter(deps.isStoreReachable));
  const sessions = createSessionMiddleware({
    store: deps.sessionStore,
    secrets: deps.secrets,
    secureCookies: config.secureCookies,
    absoluteTimeoutMs: config.sessionAbsoluteTimeoutMs,
    onAbsoluteTimeout: (sessionId, ended) => {
      const identity = ended ? (auth.clouds.find(ended.cloud)?.identity ?? null) : null;
      auth.ledger.closeAndRevoke(sessionId, identity).catch((error: unknown) => {
        logger.warn({ err: { message: (error as Error).message } }, 'revoking an expired session failed');
      });
    },
  });
  // Browser navigations with a form post from Keystone: before the JSON-only API and its CSRF check.
  api.use(
    createSsoRouter({
      sso: new SsoService(auth, {
        markers: new SsoMarkerSigner(deps.secrets),
        callbackUrl: ssoCallbackUrl(config.publicUrl),
        destroyStoredSession: (id) =>
          new Promise<void>((resolve, reject) =>
            deps.sessionStore.destroy(id, (error?: unknown) => (error ? reject(error as Error) : resolve())),
          ),
        logger,
      }),
      sessions,
      secureCookies: config.secureCookies,
      refusalsPerMinute: config.loginAttemptsPerMinutePerAddress,
      rateLimitStore: sharedState.createRateLimitStore('sso-callback'),
    }),
  );
  api.use(requireJsonBody);
  api.use(express.json({ limit: '16kb', strict: true, type: 'application/json' }));
  api.use(sessions);
  const csrf = createCsrf({ secrets: deps.secrets, secureCookies: config.secureCookies });
  api.use(csrf.protect);
  // The tokens router comes first: a request tries every router before its own.
  api.use(createTokensRouter(tokens));
  api.use(csrf.router);
  api.use(createCloudsRouter(deps.clouds));
  // Passcode guesses count like password guesses (and a receipt allows only a few, see second-factor-service).
  const loginThrottle = createLoginThrottle({
    clouds: deps.clouds,
    createStore: (name) => sharedState.createRateLimitStore(name),
    perAddressPerMinute: config.loginAttemptsPerMinutePerAddress,
    perUsernamePerMinute: config.loginAttemptsPerMinutePerUsername,
    logger,
    ...(deps.loginThrottleWindowMs ? { windowMs: deps.loginThrottleWindowMs } : {}),
  });
  api.post(['/session', '/session/mfa'], loginThrottle.limit);
  api.use(createSignInRouter(new SignInService(auth), config.secureCookies));
  api.use(createSecondFactorRouter(new SecondFactorService(auth)));
  api.use(createScopesRouter(new ScopesService(auth)));
  api.use(createInspectorRouter(new InspectorService(auth, sharedState.window)));
  api.use(createCatalogRouter(new CatalogService(auth)));
  api.use(createNetworksRouter(networks));
  api.use(createCredentialsRouter(new CredentialsService(auth)));
  api.use(loginThrottle.recordFailure);
  api.use(endUnreadableSession(config.secureCookies));
  api.use(apiNotFound);
  app.use('/api', api);

  // The built SPA, with client-side routes falling back to index.html.
  const indexHtml = path.join(config.staticDir, 'index.html');
  if (fs.existsSync(indexHtml)) {
    app.use(express.static(config.staticDir, { index: false, maxAge: '1h' }));
    app.get('/{*splat}', (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(indexHtml);
    });
  }

  app.use(createErrorHandler(logger));
  return app;
}
