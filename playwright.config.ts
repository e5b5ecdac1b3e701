import { defineConfig } from '@playwright/test';

/**
 * End-to-end stories in Debian's Chromium (never a downloaded browser) against the BFF serving
 * the production build, signed in to the real Keystone + Neutron lab (npm run lab -- start).
 */
const port = Number(process.env.E2E_PORT ?? 8181);
const labDir = process.env.OSLAB_DIR ?? '/tmp/api-access-lab';

export default defineConfig({
  testDir: 'e2e/specs',
  outputDir: 'reports/e2e-artifacts',
  globalSetup: './e2e/support/global-setup.ts',
  // One lab with one Keystone (2 workers, bcrypt): stories run one after another.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'reports/e2e.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    locale: 'en-US',
    timezoneId: 'UTC',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // Without these, Chromium's background connections are refused by this closed network and flood the logs.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: 'npm run build --silent && node server/dist/main.js',
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      OS_CLIENT_CONFIG_FILE: `${labDir}/clouds.yaml`,
      DATA_DIR: 'reports/e2e-data',
      DEMO_CLOUD: 'off',
      LOG_LEVEL: 'warn',
      // Twenty stories sign in, reissue, switch scope and create credentials as the lab's one demo
      // user within two minutes: more new tokens than one person makes, and over the default budget
      // of 20 a minute per user. The budget has its own BFF tests (token-budget, session-engine,
      // credentials, scopes-beyond-the-lab); here it must not decide which story fails.
      TOKEN_CREATIONS_PER_MINUTE: '200',
    },
  },
});
