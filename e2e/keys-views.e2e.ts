// Keys, Health, Activity and Swagger against a real 3-node cluster, every view at desktop and phone
// width with axe-core and the keyboard, and last the serving node killed: the page goes on updating
// through another member. Keys: created on the page, read through another node with the CLI; a stale
// edit shows the 412 conflict with the current version; a delete shows 404 afterwards; traced, a read,
// a save and a delete each show their steps.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CLI_PATH, getJson } from './support/cluster';
import { expect, expectAccessible, useCluster, networkFailureTo, saveScreenshot, test } from './support/fixtures';

const run = promisify(execFile);
const VIEWS = ['members', 'ring', 'keys', 'explain', 'activity', 'health', 'rebalance', 'what-if'] as const;
const PHONE = { width: 390, height: 844 };
/** A failover takes one failed poll (refused at once) and one answer from another member. */
const FAILOVER_MS_MAX = 10_000;

const cluster = useCluster({ nodes: 3 });

/** Chromium logs every non-2xx answer a fetch gets; the tests below expect these. */
const expectedStatus = (status: number, path: string) => new RegExp(`^Failed to load resource: the server responded with a status of ${status} .*${path}`);

test('keys: created on the page, read through another node with the CLI; a stale edit is a 412 conflict; a delete is a 404 afterwards', async ({ page, browserErrors }, testInfo) => {
  const [first, second] = cluster().nodes;
  browserErrors.allow(expectedStatus(412, '/kv/'));
  browserErrors.allow(expectedStatus(404, '/kv/'));
  await page.goto(`${first!.url}/dashboard/#/keys`);
  await page.getByLabel('Key', { exact: true }).fill('user:ada');
  await page.getByLabel('Value (JSON)').first().fill('{"name": "Ada", "born": 1815}');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const editor = page.locator('[data-testid="key-editor"]');
  await expect(editor).toHaveAttribute('data-key', 'user:ada');
  await expect(editor).toHaveAttribute('data-status', '200');
  const version = await editor.getAttribute('data-version');
  await expect(page.locator('[data-testid="key-replicas"]')).not.toHaveAttribute('data-replicas', '');

  const cli = await run('node', [CLI_PATH, 'get', 'user:ada', '--url', second!.url, '--json']);
  expect(JSON.parse(cli.stdout)).toMatchObject({ key: 'user:ada', value: { name: 'Ada', born: 1815 }, version });
  await page.getByRole('link', { name: 'Keys' }).click();
  await expect(page.locator('[data-testid="key-list"] li[data-key="user:ada"]')).toBeVisible();
  await saveScreenshot(page, testInfo, 'keys');

  // Someone else writes the key after the page read it: the page's If-Match no longer holds.
  await page.goto(`${first!.url}/dashboard/#/keys/${encodeURIComponent('user:ada')}`);
  await expect(editor).toHaveAttribute('data-version', version!);
  const elsewhere = await getJson<{ version: string }>(`${second!.url}/kv/user%3Aada`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value": {"name": "Ada Lovelace"}}' });
  expect(elsewhere.status).toBe(200);
  await page.locator('#edit-value').fill('{"name": "Ada King"}');
  await page.getByRole('button', { name: 'Save with If-Match' }).click();
  const outcome = page.locator('[data-testid="key-outcome"]');
  await expect(outcome).toHaveAttribute('data-kind', 'conflict');
  await expect(outcome).toContainText(`now at version ${elsewhere.body.version}`);
  await saveScreenshot(page, testInfo, 'keys-conflict');

  await page.getByRole('button', { name: 'Delete' }).click();
  await expect(outcome).toHaveAttribute('data-kind', 'deleted');
  await expect(editor).toHaveAttribute('data-status', '404');
  await expect(page.locator('[data-testid="key-missing"]')).toContainText('404');
  expect((await getJson(`${second!.url}/kv/user%3Aada`)).status).toBe(404);
});

test('a traced key: with Trace requests ticked, a read, a save and a delete each show what they did inside the cluster, step by step', async ({ page, browserErrors }, testInfo) => {
  const [first, second] = cluster().nodes;
  browserErrors.allow(expectedStatus(404, '/kv/'));
  expect((await getJson(`${second!.url}/kv/trace%3Ame`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value": "first"}' })).status).toBe(200);
  await page.goto(`${first!.url}/dashboard/#/keys/${encodeURIComponent('trace:me')}`);
  const editor = page.locator('[data-testid="key-editor"]');
  await expect(editor).toHaveAttribute('data-status', '200');
  const trace = page.locator('[data-testid="request-trace"]');
  await expect(trace).toHaveCount(0);
  await page.getByTestId('trace-toggle').check();
  await page.getByRole('button', { name: 'Read again, traced' }).click();
  // The read: the replicas and how many answers it needs, the asks, their replies, the quorum, the answer.
  await expect(trace).toContainText('Trace of the read: coordinated by n1');
  const steps = () => trace.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-step')));
  expect(await steps()).toEqual(expect.arrayContaining(['placement', 'ask', 'reply', 'quorum', 'answer']));
  await expect(trace.locator('tr[data-step="placement"]')).toContainText('read: ');
  await expect(trace.locator('tr[data-step="placement"]')).toContainText('2 needed');
  await expect(trace.locator('tr[data-step="answer"]')).toContainText('200');
  await expectAccessible(page, 'a read trace');

  // A save with If-Match: the read that checks the version, then the write with its new version and acks.
  await page.locator('#edit-value').fill('"second"');
  await page.getByRole('button', { name: 'Save with If-Match' }).click();
  await expect(page.locator('[data-testid="key-outcome"]')).toHaveAttribute('data-kind', 'saved');
  await expect(trace).toContainText('Trace of the save: coordinated by n1');
  expect((await steps()).filter((step) => step === 'placement')).toHaveLength(2);
  const saved = await editor.getAttribute('data-version');
  await expect(trace.locator('tr[data-step="version"]')).toContainText(saved!);
  expect(await trace.locator('tr[data-step="ack"]').count()).toBeGreaterThanOrEqual(2);
  await saveScreenshot(page, testInfo, 'keys-trace');

  await page.getByRole('button', { name: 'Delete' }).click();
  await expect(page.locator('[data-testid="key-outcome"]')).toHaveAttribute('data-kind', 'deleted');
  await expect(trace).toContainText('Trace of the delete: coordinated by n1');
  await expect(trace.locator('tr[data-step="answer"]')).toContainText('200');
  // A key that is gone: its read's trace shows every replica answering with the deletion, and the 404.
  await page.getByRole('button', { name: 'Read again, traced' }).click();
  await expect(trace).toContainText('Trace of the read');
  await expect(trace.locator('tr[data-step="answer"]')).toContainText('404 not_found');
  await expect(trace.locator('tr[data-step="reply"]').first()).toContainText('(deleted)');
});

test('health: hints, anti-entropy and storage per node; Repair now starts a pass and shows it finish', async ({ page }, testInfo) => {
  const [first] = cluster().nodes;
  await page.goto(`${first!.url}/dashboard/#/health`);
  await expect(page.locator('[data-testid="health"] tbody tr[data-reachable="yes"]')).toHaveCount(3);
  await page.getByRole('button', { name: 'Repair now' }).click();
  await expect(page.locator('[data-testid="repair-message"]')).toContainText(/Started|already running/);
  await expect(page.locator(`[data-testid="health"] tr[data-node-id="${first!.nodeId}"]`)).toContainText('last pass finished');
  // Each node's failure detector in a line (a quiet cluster: most likely no suspicion yet).
  for (const cell of await page.locator('[data-testid="health"] td[data-field="failure-detector"]').all()) {
    await expect(cell).toHaveText(/^(no suspicion yet|suspected \d+ by its probes, \d+ by gossip; declared \d+ dead, heard of \d+; refuted \d+ of itself)$/);
  }
  const status = (await getJson<{ lastCompleted: unknown }>(`${first!.url}/cluster/repair`)).body;
  expect(status.lastCompleted).not.toBeNull();
  await saveScreenshot(page, testInfo, 'health');
});

test('activity: request rate and latency per node from /stats; events from every node in one timeline', async ({ page }, testInfo) => {
  const [first] = cluster().nodes;
  await page.goto(`${first!.url}/dashboard/?poll=250#/activity`);
  await expect(page.locator('[data-testid="chart-requests"]')).toHaveAttribute('data-series', '3');
  await expect(page.locator('[data-testid="timeline"] tbody tr').first()).toBeVisible();
  const nodesInTimeline = await page.locator('[data-testid="timeline"] tbody tr').evaluateAll((rows) => new Set(rows.map((row) => row.getAttribute('data-node-id'))).size);
  expect(nodesInTimeline).toBeGreaterThan(1);
  // Each event in words, as the pretty log line says it (every event the daemon logs has a sentence,
  // so none reads as its bare name and fields), coloured by its tone, its name beside it.
  const rows = await page.locator('[data-testid="timeline"] tbody tr').evaluateAll((shown) =>
    shown.map((row) => ({ event: row.getAttribute('data-event'), text: row.children[2]!.textContent!, tone: row.children[2]!.className, name: row.children[3]!.textContent })),
  );
  const unworded = rows.filter((row) => row.name !== row.event || row.text.startsWith(`${row.event} `) || row.text === row.event || !/^tone-(plain|good|doubt|bad)$/.test(row.tone));
  expect(unworded).toEqual([]);
  expect(rows.filter((row) => row.event === 'ring.changed').every((row) => /^ring now spans \d+ members? \(epoch \d+, digest [0-9a-f]+\)$/.test(row.text))).toBe(true);
  await saveScreenshot(page, testInfo, 'activity');

  // One thread at a time: the ring's topic, then one node's events only, then back to everything.
  const timeline = page.locator('[data-testid="timeline"]');
  const topicsShown = () => page.locator('[data-testid="timeline"] tbody tr').evaluateAll((shown) => [...new Set(shown.map((row) => row.getAttribute('data-topic')))]);
  await page.locator('[data-testid="timeline-filter"] button[data-topic="ring"]').click();
  await expect(page.locator('[data-testid="timeline-filter"] button[data-topic="ring"]')).toHaveAttribute('aria-pressed', 'true');
  await expect(timeline.locator('tbody tr').first()).toBeVisible();
  expect(await topicsShown()).toEqual(['ring']);
  expect(Number(await timeline.getAttribute('data-shown'))).toBeLessThan(Number(await timeline.getAttribute('data-count')));
  await page.locator('[data-testid="timeline-node"]').selectOption(first!.nodeId);
  await expect.poll(() => timeline.locator('tbody tr').evaluateAll((shown) => [...new Set(shown.map((row) => `${row.getAttribute('data-node-id')} ${row.getAttribute('data-topic')}`))])).toEqual([`${first!.nodeId} ring`]);
  await page.locator('[data-testid="timeline-filter"] button[data-topic="all"]').click();
  await page.locator('[data-testid="timeline-node"]').selectOption('all');
  await expect.poll(async () => (await topicsShown()).length).toBeGreaterThan(1);
  // Only the doubtful and bad news: none of the calm or good lines stay.
  await page.locator('[data-testid="timeline-trouble"]').check();
  await expect.poll(() => timeline.getAttribute('data-shown').then(Number)).toBeLessThan(Number(await timeline.getAttribute('data-count')));
  const calm = await timeline.locator('tbody tr').evaluateAll((shown) => shown.filter((row) => !['doubt', 'bad'].includes(row.getAttribute('data-tone')!) && row.classList.contains('level-info')).length);
  expect(calm).toBe(0);
  await page.locator('[data-testid="timeline-trouble"]').uncheck();
});

for (const view of VIEWS) {
  test(`${view} at 1280×800 and 390×844: no serious axe violation, screenshot saved`, async ({ page }, testInfo) => {
    const [first] = cluster().nodes;
    for (const viewport of [{ width: 1280, height: 800 }, PHONE]) {
      await page.setViewportSize(viewport);
      await page.goto(`${first!.url}/dashboard/#/${view}`);
      await expect(page.locator(`main[data-view="${view}"]`)).toBeVisible();
      await expect(page.locator('[data-testid="connection"]')).not.toHaveAttribute('data-last-update', '');
      await expectAccessible(page, `${view} at ${viewport.width}×${viewport.height}`);
      await saveScreenshot(page, testInfo, `${view}-${viewport.width}x${viewport.height}`);
    }
  });
}

test('keyboard: from the top of the page, Tab reaches every view’s link, and Enter opens it', async ({ page }) => {
  const [first] = cluster().nodes;
  await page.goto(`${first!.url}/dashboard/#/members`);
  const focused: string[] = [];
  for (let press = 0; press < 10; press++) {
    await page.keyboard.press('Tab');
    focused.push((await page.locator(':focus').textContent()) ?? '');
  }
  for (const title of ['Members', 'Ring', 'Keys', 'Explain a key', 'Activity', 'Health', 'Rebalance', 'What if']) expect(focused).toContain(title);
  await page.getByRole('link', { name: 'Health' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('main[data-view="health"]')).toBeVisible();
});

test('/swagger renders its operations with no request beyond the node', async ({ page }, testInfo) => {
  const [first] = cluster().nodes;
  const origin = new URL(first!.url).origin;
  const elsewhere: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith('data:')) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  await page.goto(`${first!.url}/swagger`);
  await expect(page.locator('.opblock').first()).toBeVisible();
  expect(await page.locator('.opblock').count()).toBeGreaterThan(10);
  await expect(page.locator('.opblock-summary-path', { hasText: '/kv/{key}' }).first()).toBeVisible();
  expect(elsewhere).toEqual([]);
  await saveScreenshot(page, testInfo, 'swagger');
});

test('the serving node killed: the page goes on updating through another member and says which', async ({ page, browserErrors }, testInfo) => {
  const [first] = cluster().nodes;
  browserErrors.allow(networkFailureTo(first!.url));
  await page.goto(`${first!.url}/dashboard/?poll=250#/members`);
  const banner = page.locator('[data-testid="connection"]');
  await expect(banner).toHaveAttribute('data-reading-through', first!.nodeId);
  await first!.kill9();
  await expect(banner).toHaveAttribute('data-failover', 'yes', { timeout: FAILOVER_MS_MAX });
  const through = await banner.getAttribute('data-reading-through');
  expect(cluster().nodes.map((node) => node.nodeId).filter((nodeId) => nodeId !== first!.nodeId)).toContain(through);
  await expect(banner).toContainText('the node that served this page');
  // Still updating: the update time moves on, and the killed node turns dead on the page.
  const updated = Number(await banner.getAttribute('data-last-update'));
  await expect.poll(async () => Number(await banner.getAttribute('data-last-update'))).toBeGreaterThan(updated);
  await expect(page.locator(`[data-testid="members"] tr[data-node-id="${first!.nodeId}"]`)).toHaveAttribute('data-state', 'dead');
  await saveScreenshot(page, testInfo, 'members-failover');
});
