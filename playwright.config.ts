// Playwright end-to-end tests of the dashboard (e2e/*.e2e.ts, a name `bun test` does not pick up):
// Debian's chromium, never a downloaded browser.
// Each test file starts its own real cluster; files run one at a time on this 2-core machine, so a
// cluster's gossip is not starved by another file's browser and cluster.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.e2e.ts',
  outputDir: 'e2e/results',
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  forbidOnly: true,
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    launchOptions: { executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
