import type { Server } from 'node:http';
import { createApp } from './app.js';
import {
  CloudsConfigError,
  createCloudRegistry,
  findCloudsFile,
  loadCloudsFile,
  type CloudRegistry,
} from './config/clouds-config.js';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { demoCloudConfig } from './config/demo-cloud-config.js';
import { webSsoDeploymentWarnings } from './config/websso-config.js';
import { keyFileWarnings, loadServerSecrets, ServerSecretsError } from './config/server-secrets.js';
import { ssoCallbackUrl } from './features/sso/sso-callback-url.js';
import { drainServer } from './http/graceful-shutdown.js';
import { openSessionStore } from './http/session-store.js';
import { useUpstreamKeepAlive } from './openstack/upstream-connections.js';
import { createLogger, type Logger } from './platform/logger.js';

/** Loads clouds.yaml, or with none found (and DEMO_CLOUD allows it) starts the built-in demo cloud. */
async function loadClouds(
  config: Config,
  logger: Logger,
): Promise<{ registry: CloudRegistry; stop: () => Promise<void> }> {
  const file = config.demoCloud === 'on' ? null : findCloudsFile(config.cloudsFileCandidates);
  if (file) {
    const { clouds, skipped } = loadCloudsFile(file);
    for (const entry of skipped) logger.warn({ cloud: entry.name, reason: entry.reason }, 'cloud skipped');
    if (clouds.length === 0)
      throw new CloudsConfigError(`${file} lists no cloud that API Access can sign in to.`);
    logger.info({ file, clouds: clouds.map((cloud) => cloud.name) }, 'clouds loaded');
    return { registry: createCloudRegistry(clouds, file), stop: async () => {} };
  }
  if (config.demoCloud === 'off') {
    throw new CloudsConfigError(
      `No clouds.yaml found (looked at: ${config.cloudsFileCandidates.join(', ')}) and DEMO_CLOUD=off.`,
    );
  }
  const { startDemoCloud } = await import('./demo-cloud/demo-cloud.js');
  const demo = await startDemoCloud();
  const cloud = demoCloudConfig(demo, { showCredentials: true });
  logger.info({ authUrl: demo.authUrl }, 'no clouds.yaml found: serving the built-in demo cloud');
  return { registry: createCloudRegistry([cloud], null), stop: () => demo.close() };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  useUpstreamKeepAlive(config.upstreamKeepAlive);

  let loadedSecrets: ReturnType<typeof loadServerSecrets>;
  try {
    loadedSecrets = loadServerSecrets(config);
  } catch (error) {
    if (error instanceof ServerSecretsError) {
      process.stderr.write(`Cannot start: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (loadedSecrets.isGenerated) logger.info({ keyFile: loadedSecrets.keyFile }, 'generated a session key');
  for (const warning of keyFileWarnings(loadedSecrets, config))
    logger.warn({ keyFile: loadedSecrets.keyFile }, warning);
  const { secrets } = loadedSecrets;

  let clouds: Awaited<ReturnType<typeof loadClouds>>;
  try {
    clouds = await loadClouds(config, logger);
  } catch (error) {
    if (error instanceof CloudsConfigError) {
      process.stderr.write(`Cannot start: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const ssoClouds = clouds.registry.list().filter((cloud) => cloud.websso);
  for (const warning of webSsoDeploymentWarnings(config.publicUrl, config.secureCookies, ssoClouds))
    logger.warn(warning);
  if (ssoClouds.length > 0) {
    // Keystone posts WebSSO tokens only to a URL its operator trusts, character for character.
    logger.info(
      { callbackUrl: ssoCallbackUrl(config.publicUrl), clouds: ssoClouds.map((cloud) => cloud.name) },
      "single sign-on: list callbackUrl in each cloud's Keystone [federation] trusted_dashboard",
    );
  }
  const store = await openSessionStore(config, logger);
  const app = createApp({
    config,
    clouds: clouds.registry,
    sessionStore: store.store,
    ledgerStore: store.ledger,
    isStoreReachable: store.isReachable,
    sharedState: store.sharedState,
    secrets,
    logger,
  });

  const server: Server = app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info(
      { url: `http://${config.host}:${port}`, store: store.description },
      'API Access is listening',
    );
  });
  server.on('error', (error) => {
    logger.fatal({ err: { message: error.message } }, 'cannot listen');
    process.exit(1);
  });

  // SIGTERM: stop accepting, let in-flight requests finish (bounded), then close the store.
  let isStopping = false;
  const stop = (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    logger.info({ signal }, 'draining');
    void drainServer(server, 10_000).then(async ({ isForced }) => {
      if (isForced) logger.warn('drain timed out; remaining connections were closed');
      await Promise.allSettled([store.close(), clouds.stop()]);
      logger.info('stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
