import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const contractDir = fileURLToPath(new URL('./server/src/contract', import.meta.url));
const bffPort = process.env.PORT ?? '8080';
const firstLoadShared =
  /web\/src\/(lib\/(preferences|api-client|query-client|error-message|download-text|generated-text|use-query-params)\.ts|lib\/i18n\/(messages|messages-credentials|messages-scopes|messages-sso|load-messages)\.ts|lib\/i18n\/i18n-context\.tsx|components\/ui\/(button|notice|field|copy-button|region-picker|badge|details-list|date-time)\.tsx|api\/[a-z-]+\.ts|features\/session\/(queries|scope-queries)\.ts|features\/login\/(build-login-request|looks-like-openrc)\.ts)$|server\/src\/contract\/(errors|common|session|clouds|endpoint-selection|catalog|token|scopes)\.ts$/;

// One config for the SPA build, the dev server and every Vitest project.
export default defineConfig({
  root: 'web',
  plugins: [react(), tailwindcss()],
  resolve: { alias: { '@contract': contractDir } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'vendor', test: /node_modules/ },
            // The app's modules that both the first screen and on-demand pages import: one chunk
            // compresses better than the ten small ones Rolldown would make of them.
            { name: 'shared', test: firstLoadShared },
          ],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    // In dev the SPA and the BFF share an origin through this proxy, as they do in production.
    proxy: { '/api': { target: `http://127.0.0.1:${bffPort}`, changeOrigin: false } },
  },
  test: {
    root: '.',
    projects: [
      {
        extends: false,
        test: {
          name: 'server',
          root: 'server',
          environment: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/lab/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Integration tests against the real Keystone + Neutron lab (npm run lab -- start).
        extends: false,
        test: {
          name: 'lab',
          root: 'server',
          environment: 'node',
          include: ['test/lab/**/*.test.ts'],
          globalSetup: ['test/support/lab-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One lab, one Keystone with 2 workers: files run one after another.
          fileParallelism: false,
        },
      },
      {
        // The benchmark report's own checks (the numbers come from npm run bench, never from tests).
        extends: false,
        test: {
          name: 'bench',
          root: 'bench',
          environment: 'node',
          include: ['**/*.test.mjs'],
          exclude: ['tmp/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'web',
          root: 'web',
          environment: 'jsdom',
          include: ['src/**/*.test.{ts,tsx}'],
          setupFiles: ['src/test-setup.ts'],
        },
      },
    ],
  },
});
