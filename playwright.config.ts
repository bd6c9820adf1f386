import { defineConfig } from '@playwright/test';
import path from 'node:path';

// Browser tests drive a real Chromium (Debian's, installed by `./platform test`)
// against the portal started the same way `./platform start` does, but with its
// own SQLite folder so the tests never touch data/ (scripts/run-tests.mjs empties it
// before each run).
const dataDir = path.resolve(__dirname, 'test-results/e2e-data');

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results/playwright',

  webServer: {
    command: './platform start',
    // The dev server answers once its first bundle is built; the backend's
    // readiness is awaited by the tests themselves through its health endpoint.
    url: 'http://localhost:3000',
    reuseExistingServer: !process.env.CI,
    timeout: 600_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      APP_PLATFORM_DATA_DIR: dataDir,
    },
  },

  use: {
    baseURL: 'http://localhost:3000',
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },

  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
