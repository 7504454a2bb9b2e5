// What every e2e test shares: the browser's console is watched (an error fails the test unless the
// test expects it, such as the refused connections of a node it killed), screenshots are saved as
// artefacts under e2e/results/screenshots/, and axe-core checks a view for serious violations.
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import { join } from 'node:path';
import { Cluster } from './cluster';

export interface BrowserErrors {
  /** Lets console errors matching this pattern pass (network failures the test itself causes). */
  allow(pattern: RegExp): void;
  readonly seen: string[];
}

export const test = base.extend<{ browserErrors: BrowserErrors }>({
  browserErrors: [
    async ({ page }, use) => {
      const allowed: RegExp[] = [];
      const seen: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') seen.push(`${message.text()} (${message.location().url})`);
      });
      page.on('pageerror', (error) => seen.push(`page error: ${error.message}`));
      await use({ allow: (pattern) => allowed.push(pattern), seen });
      expect(seen.filter((text) => !allowed.some((pattern) => pattern.test(text)))).toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** A cluster started before a file's first test (processes start in parallel) and destroyed after its last. */
const CLUSTER_START_MS_MAX = 90_000;

/** The file's cluster: started once, shared by its tests in order, destroyed whatever they did. */
export function useCluster(options: Parameters<typeof Cluster.start>[0]): () => Cluster {
  let cluster: Cluster | undefined;
  test.beforeAll(async ({}, testInfo) => {
    testInfo.setTimeout(CLUSTER_START_MS_MAX);
    cluster = await Cluster.start(options);
  });
  test.afterAll(async () => {
    await cluster?.destroy();
  });
  return () => cluster!;
}

export async function saveScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = join(testInfo.project.outputDir, 'screenshots', `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

export async function expectAccessible(page: Page, view: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(serious.map((violation) => `${view}: ${violation.id} ${violation.help} (${violation.nodes.length} nodes: ${violation.nodes[0]?.target.join(' ')})`)).toEqual([]);
}

/**
 * What Chromium logs when a fetch to this node gets no readable answer because the test took the node
 * down: any network error (refused, reset, an answer cut off mid-way), or, while a restarted node has not yet learnt the cluster's
 * members (so not yet the page's origin), a CORS refusal.
 */
export function networkFailureTo(url: string): RegExp {
  const escaped = url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^(Failed to load resource: net::ERR_[A-Z_]+ \\(${escaped}/|Access to fetch at '${escaped}/[^']*' from origin '[^']*' has been blocked by CORS policy)`);
}
