// Ring and Explain views against a real 3-node cluster with N = 2 (so a down replica has a stand-in):
// each node's primary and replica share on the page equals what /cluster/ring's ranges add up to; a
// range's replicas show on click; explaining a key shows exactly /cluster/locate's replicas; and a key
// written at consistency `one` while one of its replicas is down shows that replica without the version
// and a hint pending, then every replica on one version once it is back.
import { getJson, waitFor } from './support/cluster';
import { expect, useCluster, networkFailureTo, saveScreenshot, test } from './support/fixtures';

const REPLICAS = 2;
const DETECTION_MS_MAX = 5000;
/** A returning node gets its hints within a few gossip rounds of being seen alive. */
const HANDOFF_MS_MAX = 15_000;
/** Shares on the page are rounded to 6 decimals. */
const SHARE_TOLERANCE = 1e-5;

interface Ring {
  digest: string;
  members: string[];
  replicationFactor: number;
  ranges: { start: string; end: string; replicas: string[] }[];
}
interface Location {
  replicas: { nodeId: string }[];
}

const cluster = useCluster({ nodes: 3, replicas: REPLICAS });

/** The oracle: each node's summed range lengths, first in the list (primary) and anywhere in it. */
function expectedShares(ring: Ring): Map<string, { primary: number; replica: number }> {
  const size = 1n << 64n;
  const shares = new Map(ring.members.map((nodeId) => [nodeId, { primary: 0n, replica: 0n }]));
  for (const range of ring.ranges) {
    const length = (BigInt(`0x${range.end}`) - BigInt(`0x${range.start}`) + size) % size || size;
    shares.get(range.replicas[0]!)!.primary += length;
    for (const nodeId of range.replicas) shares.get(nodeId)!.replica += length;
  }
  const fraction = (value: bigint) => Number((value * 1_000_000_000n) / size) / 1e9;
  return new Map([...shares].map(([nodeId, share]) => [nodeId, { primary: fraction(share.primary), replica: fraction(share.replica) }]));
}

test('ring: every node’s primary and replica share matches /cluster/ring; a clicked range lists its replicas', async ({ page }, testInfo) => {
  const [first] = cluster().nodes;
  const ring = (await getJson<Ring>(`${first!.url}/cluster/ring`)).body;
  await page.goto(`${first!.url}/dashboard/#/ring`);
  await expect(page.locator('[data-testid="ring"]')).toHaveAttribute('data-digest', ring.digest);
  const shares = expectedShares(ring);
  let primarySum = 0;
  let replicaSum = 0;
  for (const [nodeId, share] of shares) {
    const shareRow = page.locator(`[data-testid="ring-shares"] tr[data-node-id="${nodeId}"]`);
    expect(Math.abs(Number(await shareRow.getAttribute('data-primary-share')) - share.primary)).toBeLessThan(SHARE_TOLERANCE);
    expect(Math.abs(Number(await shareRow.getAttribute('data-replica-share')) - share.replica)).toBeLessThan(SHARE_TOLERANCE);
    primarySum += share.primary;
    replicaSum += share.replica;
  }
  expect(primarySum).toBeCloseTo(1, 4);
  expect(replicaSum).toBeCloseTo(ring.replicationFactor, 4);
  await expect(page.locator('[data-testid="ring"] path.arc')).toHaveCount(ring.ranges.length);

  // The widest range by mouse (a narrow one lies under its neighbours' strokes).
  const size = 1n << 64n;
  const width = (range: Ring['ranges'][number]) => (BigInt(`0x${range.end}`) - BigInt(`0x${range.start}`) + size) % size;
  const widest = ring.ranges.reduce((best, range) => (width(range) > width(best) ? range : best));
  const expectDetail = async (range: Ring['ranges'][number]) => {
    await expect(page.locator('[data-testid="range-detail"] li')).toHaveCount(range.replicas.length);
    for (const [index, nodeId] of range.replicas.entries()) await expect(page.locator('[data-testid="range-detail"] li').nth(index)).toHaveAttribute('data-node-id', nodeId);
  };
  await page.locator(`[data-testid="ring"] path[data-start="${widest.start}"]`).click();
  await expectDetail(widest);
  // From the keyboard: the arrow keys walk the ranges in ring order from the selected one.
  const widestIndex = ring.ranges.indexOf(widest);
  await page.locator('[data-testid="ring"]').focus();
  await page.keyboard.press('ArrowRight');
  await expectDetail(ring.ranges[(widestIndex + 1) % ring.ranges.length]!);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expectDetail(ring.ranges[(widestIndex - 1 + ring.ranges.length) % ring.ranges.length]!);
  await saveScreenshot(page, testInfo, 'ring');
});

test('explain: the replicas /cluster/locate names; a write at `one` while a replica is down shows it missing and a hint pending, then agreement', async ({ page, browserErrors }, testInfo) => {
  const [first] = cluster().nodes;
  // A key neither of whose replicas serves the page, so the page and the write go to a live node.
  let key = '';
  let location: Location | undefined;
  for (let index = 0; location === undefined; index++) {
    const candidate = (await getJson<Location>(`${first!.url}/cluster/locate/${encodeURIComponent(`explain-${index}`)}`)).body;
    if (candidate.replicas.every((replica) => replica.nodeId !== first!.nodeId)) {
      key = `explain-${index}`;
      location = candidate;
    }
  }
  await page.goto(`${first!.url}/dashboard/#/explain`);
  await page.getByLabel('Key').fill(key);
  await page.getByRole('button', { name: 'Explain' }).click();
  await expect(page).toHaveURL(new RegExp(`#/explain/${key}$`));
  const rows = page.locator('[data-testid="explain"] tbody tr');
  await expect(rows).toHaveCount(location.replicas.length);
  for (const [index, replica] of location.replicas.entries()) await expect(rows.nth(index)).toHaveAttribute('data-node-id', replica.nodeId);

  const down = cluster().nodes.find((node) => node.nodeId === location!.replicas[1]!.nodeId)!;
  browserErrors.allow(networkFailureTo(down.url));
  await down.kill9();
  await waitFor('the serving node sees the replica dead', async () => ((await first!.members()).find((member) => member.nodeId === down.nodeId)?.state === 'dead' ? true : undefined), DETECTION_MS_MAX * 3);
  const written = await getJson<{ version: string }>(`${first!.url}/kv/${encodeURIComponent(key)}?consistency=one`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ value: { written: 'while a replica was down' } }),
  });
  expect(written.status).toBe(200);
  const downRow = page.locator(`[data-testid="explain"] tbody tr[data-node-id="${down.nodeId}"]`);
  await expect(downRow).toHaveAttribute('data-version', '');
  await expect(page.locator('[data-testid="explain"]')).not.toHaveAttribute('data-hints', '0');
  await expect(page.locator(`[data-testid="explain-hints"] li[data-target="${down.nodeId}"]`)).toBeVisible();
  await saveScreenshot(page, testInfo, 'explain-replica-down');

  await down.start();
  await expect(downRow).toHaveAttribute('data-version', written.body.version, { timeout: HANDOFF_MS_MAX });
  await expect(page.locator('[data-testid="explain"]')).toHaveAttribute('data-agree', 'yes');
  await expect(page.locator('[data-testid="explain"]')).toHaveAttribute('data-hints', '0');
  for (const replica of location.replicas) await expect(page.locator(`[data-testid="explain"] tbody tr[data-node-id="${replica.nodeId}"]`)).toHaveAttribute('data-version', written.body.version);
  await saveScreenshot(page, testInfo, 'explain');
});
