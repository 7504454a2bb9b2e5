// Rebalance and What if against a real 3-node cluster holding data. What if: adding one node, the page
// shows exactly what GET /cluster/ring/what-if?add=1 answered it, and a second ask of the API gives
// the same share and keys. Rebalance: idle at first (its empty state); then a 4th node joins and
// streams its ranges in, and the page shows its transfers with the keys the joiner's own
// /cluster/rebalance reports, and its keys streamed in. Then What if for removing a member of the four,
// and a member chosen before the node has answered GET /access stays chosen once it has.
import type { Locator, Page, Response } from '@playwright/test';
import type { RebalanceReply, WhatIfReply } from '../node/src';
import { getJson, waitFor, type ClusterNode } from './support/cluster';
import { expect, expectAccessible, saveScreenshot, test, useCluster } from './support/fixtures';

/** Keys written before the join, so the joiner has ranges with data to stream in. */
const KEYS_WRITTEN = 1500;
/** Writes in flight at once while loading them. */
const WRITES_IN_FLIGHT = 16;
const VALUE = 'v'.repeat(100);
/** Loading the keys and the gossip of every member's key count, on a loaded 2-core machine. */
const LOAD_MS_MAX = 60_000;
/** A join with 1,500 keys: a few seconds; the bound leaves room for a loaded machine. */
const JOIN_MS_MAX = 60_000;
/** Runs in the page: notes whether a table of transfers in progress ever appeared. */
const SEEN_IN_PROGRESS_WATCHER = `window.swarmkvSawInProgress = false;
new MutationObserver(() => { if (document.querySelector('[data-testid="transfers-in-progress"]')) window.swarmkvSawInProgress = true; })
  .observe(document.body, { childList: true, subtree: true });`;
const NODE_FLOWS_TABLE = 'Keys and bytes each node would send and receive';

const cluster = useCluster({ nodes: 3 });

test.beforeAll(async ({}, testInfo) => {
  testInfo.setTimeout(LOAD_MS_MAX * 2);
  const nodes = cluster().nodes;
  let next = 0;
  const writer = async () => {
    for (let index = next++; index < KEYS_WRITTEN; index = next++) {
      const node = nodes[index % nodes.length]!;
      const reply = await getJson(`${node.url}/kv/rebalance-${index}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: VALUE }) });
      expect(reply.status).toBe(200);
    }
  };
  await Promise.all(Array.from({ length: WRITES_IN_FLIGHT }, writer));
  // Every member's key count has reached the first node by gossip: what-if estimates keys from them.
  await waitFor('every key count gossiped', async () => ((await nodes[0]!.members()).every((member) => member.keyCount === KEYS_WRITTEN) ? true : undefined), LOAD_MS_MAX);
});

/** What two asks of the same question on the same ring and key counts answer alike. */
function comparable(prediction: WhatIfReply) {
  const { ringDigest, before, after, added, removed, share, keys, rate, estimatedSeconds } = prediction;
  const nodes = prediction.nodes.map(({ nodeId, name, keysSent, keysReceived, keysReleased }) => ({ nodeId, name, keysSent, keysReceived, keysReleased }));
  return { ringDigest, before, after, added, removed, share, keys, rate, estimatedSeconds, nodes };
}

/** Submits one of the what-if forms and returns what the page's own request was answered. */
async function ask(page: Page, button: string, query: string): Promise<WhatIfReply> {
  const answered = page.waitForResponse((response: Response) => response.url().endsWith(`/cluster/ring/what-if?${query}`));
  await page.getByRole('button', { name: button }).click();
  const response = await answered;
  expect(response.status()).toBe(200);
  return (await response.json()) as WhatIfReply;
}

/** The page shows every number of the prediction it was sent. */
async function expectShown(result: Locator, page: Page, prediction: WhatIfReply): Promise<void> {
  await expect(result).toHaveAttribute('data-share', String(prediction.share));
  await expect(result).toHaveAttribute('data-ring-digest', prediction.ringDigest);
  await expect(result).toHaveAttribute('data-keys-changing', String(prediction.keys.changing));
  await expect(result).toHaveAttribute('data-copies-moved', String(prediction.keys.copiesMoved));
  await expect(result).toHaveAttribute('data-estimated-seconds', String(prediction.estimatedSeconds));
  await expect(result.locator('[data-field="share"]')).toContainText(`${(prediction.share * 100).toFixed(1)} %`);
  await expect(result.locator('[data-field="estimated-time"]')).toContainText(`${prediction.rate.keysPerSecond} keys/s`);
  const table = page.getByRole('table', { name: NODE_FLOWS_TABLE });
  await expect(table.locator('tbody tr')).toHaveCount(prediction.nodes.length);
  for (const flow of prediction.nodes) {
    const row = table.locator(`tr[data-node-id="${flow.nodeId}"]`);
    await expect(row.getByRole('rowheader')).toContainText(flow.name);
    await expect(row).toHaveAttribute('data-keys-sent', String(flow.keysSent));
    await expect(row).toHaveAttribute('data-keys-received', String(flow.keysReceived));
    await expect(row).toHaveAttribute('data-bytes-sent', String(flow.bytesSent));
    await expect(row).toHaveAttribute('data-bytes-received', String(flow.bytesReceived));
    await expect(row).toHaveAttribute('data-keys-released', String(flow.keysReleased));
    await expect(row.getByRole('cell').nth(0)).toHaveText(String(flow.keysSent));
    await expect(row.getByRole('cell').nth(2)).toHaveText(String(flow.keysReceived));
  }
}

test('what-if add=1: the page shows what the API answers for the same question', async ({ page }, testInfo) => {
  const [first] = cluster().nodes;
  await page.goto(`${first!.url}/dashboard/#/what-if`);
  await page.getByLabel('Nodes to add').fill('1');
  const shown = await ask(page, 'Predict adding', 'add=1');
  const result = page.getByRole('region', { name: 'If 1 node joined' });
  await expectShown(result, page, shown);
  // Asked again outside the page: the same ring and key counts give the same share and keys
  // (placeholder ids are derived from the ring's digest). Not compared: the expected share over random
  // ids (a new draw) and bytes (the store's size in LMDB pages, which its own bookkeeping may grow).
  const api = (await getJson<WhatIfReply>(`${first!.url}/cluster/ring/what-if?add=1`)).body;
  expect(comparable(api)).toEqual(comparable(shown));
  expect(api.keys.total).toBeGreaterThan(KEYS_WRITTEN * 0.9);
  expect(api.keys.total).toBeLessThan(KEYS_WRITTEN * 1.1);
  const newcomer = shown.nodes.find((flow) => flow.placeholder)!;
  expect(newcomer.keysReceived).toBeGreaterThan(0);
  await expect(page.getByRole('table', { name: NODE_FLOWS_TABLE }).getByRole('row', { name: /what-if-1 \(new\)/ })).toBeVisible();
  await expectAccessible(page, 'what-if with a prediction');
  await saveScreenshot(page, testInfo, 'what-if-add');
});

/** The joiner's status once it owns its ranges (its transfers all finished). */
async function ownerStatus(joiner: ClusterNode): Promise<RebalanceReply> {
  return waitFor(
    'the joiner to own its ranges',
    async () => {
      const status = (await getJson<RebalanceReply>(`${joiner.url}/cluster/rebalance`)).body;
      return status.ownership === 'owner' && status.inProgress.length === 0 && status.queued.length === 0 ? status : undefined;
    },
    JOIN_MS_MAX,
  );
}

test('a 4th node joins a cluster holding data: the Rebalance view shows its transfers with the keys the API reports', async ({ page }, testInfo) => {
  testInfo.setTimeout(JOIN_MS_MAX * 2);
  const [first] = cluster().nodes;
  await page.goto(`${first!.url}/dashboard/?poll=250#/rebalance`);
  await expect(page.getByRole('status').filter({ hasText: 'No transfer is running' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Rebalance per node' }).locator('tr[data-reachable="yes"]')).toHaveCount(3);
  await saveScreenshot(page, testInfo, 'rebalance-idle');

  // Whether the page ever showed a transfer in progress (1,500 keys stream in well under a second, so
  // usually it sees them finished): noted, not required.
  await page.evaluate(SEEN_IN_PROGRESS_WATCHER);
  const joiner = await cluster().addNode();
  const status = await ownerStatus(joiner);
  expect(status.keysStreamed).toBeGreaterThan(KEYS_WRITTEN / 2);
  expect(status.finished.length).toBeGreaterThan(0);

  const perNode = page.getByRole('table', { name: 'Rebalance per node' }).locator(`tr[data-node-id="${joiner.nodeId}"]`);
  await expect(perNode).toHaveAttribute('data-ownership', 'owner', { timeout: JOIN_MS_MAX });
  await expect(perNode).toHaveAttribute('data-keys-streamed', String(status.keysStreamed));
  await expect(perNode.locator('[data-field="keys-streamed"]')).toHaveText(String(status.keysStreamed));
  await expect(page.getByRole('status').filter({ hasText: 'No transfer is running' })).toBeVisible();

  // Every transfer into the joiner that the page lists finished is one the joiner reports, with its keys.
  const finishedRows = page.getByRole('table', { name: 'Finished transfers' }).locator(`tbody tr[data-to="${joiner.nodeId}"]`);
  await expect(finishedRows.first()).toBeVisible();
  const shown = await finishedRows.evaluateAll((rows) =>
    rows.map((row) => ({ start: row.getAttribute('data-range-start'), end: row.getAttribute('data-range-end'), from: row.getAttribute('data-from'), keys: row.getAttribute('data-keys-done'), state: row.getAttribute('data-state'), text: row.querySelector('[data-field="keys"]')?.textContent })),
  );
  for (const row of shown) {
    const reported = status.finished.find((transfer) => transfer.range.start === row.start && transfer.range.end === row.end);
    expect(reported, `transfer ${row.start}..${row.end} in the joiner's /cluster/rebalance`).toBeDefined();
    expect(row).toEqual({ start: reported!.range.start, end: reported!.range.end, from: reported!.from, keys: String(reported!.keysDone), state: reported!.state, text: String(reported!.keysDone) });
  }
  expect(shown.some((row) => Number(row.keys) > 0)).toBe(true);
  const sawInProgress = (await page.evaluate('window.swarmkvSawInProgress')) === true;
  const note = `${shown.length} finished transfers shown, ${status.finished.length} reported, ${status.keysStreamed} keys streamed in; a transfer in progress seen on the page: ${sawInProgress ? 'yes' : 'no'}`;
  testInfo.annotations.push({ type: 'rebalance', description: note });
  console.log(`rebalance view: ${note}`);
  await expectAccessible(page, 'rebalance after a join');
  await saveScreenshot(page, testInfo, 'rebalance-finished');
});

test('what-if remove=n2 on the four: the page shows what the API answers for the same question', async ({ page }, testInfo) => {
  const [first, second] = cluster().nodes;
  await page.goto(`${first!.url}/dashboard/#/what-if`);
  const select = page.getByLabel('Member to remove');
  await expect(select.locator('option')).toHaveCount(4);
  await select.selectOption('n2');
  const shown = await ask(page, 'Predict removing', 'remove=n2');
  const result = page.getByRole('region', { name: 'If n2 left or were removed' });
  await expectShown(result, page, shown);
  expect(shown.removed).toEqual([second!.nodeId]);
  expect(shown.after.members).toBe(3);
  // A removal's share is exact (no placeholder ids): asked again it is the same, on the same ring.
  const api = (await getJson<WhatIfReply>(`${first!.url}/cluster/ring/what-if?remove=n2`)).body;
  expect({ share: api.share, ringDigest: api.ringDigest, removed: api.removed, idSamples: api.idSamples }).toEqual({ share: shown.share, ringDigest: shown.ringDigest, removed: shown.removed, idSamples: 0 });
  expect(shown.nodes.find((flow) => flow.nodeId === second!.nodeId)!.keysSent).toBeGreaterThan(0);
  await saveScreenshot(page, testInfo, 'what-if-remove');
});

test('a member chosen before the node has said what the tab may do stays chosen when it says so', async ({ page }) => {
  // On a loaded machine GET /access can answer after the user has begun: the page rebuilt its view
  // then, and What if asked about the first member instead of the one chosen. Held back here on purpose.
  const [first, , third] = cluster().nodes;
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/access', async (route) => {
    await released;
    await route.continue();
  });
  await page.goto(`${first!.url}/dashboard/#/what-if`);
  const select = page.getByLabel('Member to remove');
  await expect(select.locator('option')).toHaveCount(4);
  await select.selectOption('n3');
  const accessAnswered = page.waitForResponse((response: Response) => response.url().endsWith('/access'));
  release();
  await accessAnswered;
  // A frame for the answer's render, then the choice must still be there.
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
  await expect(select).toHaveValue('n3');
  const shown = await ask(page, 'Predict removing', 'remove=n3');
  expect(shown.removed).toEqual([third!.nodeId]);
});
