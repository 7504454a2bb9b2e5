// The chaos panel against a real 3-node cluster whose nodes serve the chaos API (SWARMKV_CHAOS=1, as
// `swarmkv up` starts them with --chaos): it shows under the members of the node that served the page;
// a partition built from its checkboxes cuts that node off from the ticked peer (its own /chaos says
// so, and it counts the messages it drops), heal ends it and the peer is alive; a delay of the
// messages to the same peer holds them (counted), and the members table shows its answers slow and
// asked last, until heal lifts it; a clock offset set
// there is the node's, and the members table shows its clock that far from the others'; a pause stops the node, which resumes on its own; every fault is on the
// panel's timeline with its run label, and the panel passes axe-core.
import { waitFor } from './support/cluster';
import { expect, expectAccessible, networkFailureTo, saveScreenshot, test, useCluster } from './support/fixtures';

/** The `local` profile detects a silent member within ~2 s; with room for a loaded machine. */
const DETECTION_MS_MAX = 15_000;
/** The pause the test injects: long enough to see, short enough to wait out. */
const PAUSE_MS = 2_000;

// The nodes of this file's cluster serve the chaos API; other files' clusters are started without it.
process.env.SWARMKV_CHAOS = '1';
const cluster = useCluster({ nodes: 3 });
test.afterAll(() => {
  delete process.env.SWARMKV_CHAOS;
});

interface ChaosStateBody {
  readonly name: string;
  readonly clockOffsetMs: number;
  readonly partition: { readonly peers: { readonly name: string }[] };
  readonly delayed: { readonly name: string; readonly delayMs: number }[];
  readonly events: { readonly kind: string; readonly run?: string }[];
}

async function chaosOf(url: string): Promise<ChaosStateBody> {
  return (await (await fetch(`${url}/chaos`)).json()) as ChaosStateBody;
}

/** A chaos counter (swarmkv_chaos_dropped_messages_total, ..._delayed_...) from the node's /metrics. */
async function chaosCounter(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
}
const droppedMessages = (url: string) => chaosCounter(url, 'swarmkv_chaos_dropped_messages_total');
const delayedMessages = (url: string) => chaosCounter(url, 'swarmkv_chaos_delayed_messages_total');

test('chaos panel: partition from a ticked member and heal, a delay to it, clock skew, pause; each on the timeline', async ({ page, browserErrors }, testInfo) => {
  const [first, , third] = cluster().nodes;
  const thirdId = (await third!.members()).find((member) => member.self)!.nodeId;
  const firstId = (await first!.members()).find((member) => member.self)!.nodeId;
  const clockCell = (nodeId: string) => page.locator(`[data-testid="members"] tr[data-node-id="${nodeId}"] [data-field="clock-offset"]`);
  await page.goto(`${first!.url}/`);
  const panel = page.getByTestId('chaos');
  await expect(panel.getByRole('heading', { name: 'Chaos on n1' })).toBeVisible();
  await expect(page.getByTestId('chaos-events')).toContainText('No chaos events yet');
  // Faults reach the serving node only; the panel says where the others' controls are.
  await expect(page.getByTestId('chaos-message')).toContainText('Faults go to n1 only. For another member, open the dashboard it serves');
  // These nodes run without a supervisor (--supervised, as `swarmkv up` starts its nodes): a kill cannot ask for a restart.
  await expect(page.getByTestId('chaos-restart-seconds')).toHaveCount(0);
  await expect(page.getByRole('link', { name: third!.url.replace(/^https?:\/\//, '') })).toHaveAttribute('href', `${third!.url}/dashboard/`);
  await expectAccessible(page, 'chaos panel');

  await page.getByTestId('chaos-peer-n3').check();
  await page.getByTestId('chaos-partition-seconds').fill('');
  await page.getByTestId('chaos-partition').click();
  await expect(page.getByTestId('chaos-message')).toHaveText('n1 partitioned');
  await expect(page.getByTestId('chaos-state')).toHaveAttribute('data-partitioned', 'n3');
  expect((await chaosOf(first!.url)).partition.peers.map((peer) => peer.name)).toEqual(['n3']);
  // A one-sided cut: n1 drops every message to and from n3 (counted), while n2's indirect probes still
  // reach n3 for it, so n3 stays alive in n1's list (docs/dashboard.md says why; `swarmkv chaos
  // partition` cuts both sides).
  const droppedBefore = await droppedMessages(first!.url);
  await waitFor('n1 to drop messages to and from n3', async () => ((await droppedMessages(first!.url)) > droppedBefore ? true : undefined), DETECTION_MS_MAX);
  await saveScreenshot(page, testInfo, 'chaos-partitioned');

  await page.getByTestId('chaos-heal').click();
  await expect(page.getByTestId('chaos-state')).toHaveAttribute('data-partitioned', '');
  await expect(page.locator(`[data-testid="members"] tr[data-node-id="${thirdId}"]`)).toHaveAttribute('data-state', 'alive', { timeout: DETECTION_MS_MAX });

  // n3 is still ticked: a delay of 50 ms on every message n1 sends it, until healed.
  await page.getByTestId('chaos-delay-ms').fill('50');
  await page.getByTestId('chaos-delay').click();
  await expect(page.getByTestId('chaos-message')).toHaveText("n1's messages to them delayed");
  await expect(page.getByTestId('chaos-state')).toHaveAttribute('data-delayed', 'n3');
  await expect(page.getByTestId('chaos-state')).toContainText('n3 by 50 ms, until healed');
  expect((await chaosOf(first!.url)).delayed.map(({ name, delayMs }) => ({ name, delayMs }))).toEqual([{ name: 'n3', delayMs: 50 }]);
  const delayedBefore = await delayedMessages(first!.url);
  await waitFor('n1 to hold messages to n3', async () => ((await delayedMessages(first!.url)) > delayedBefore ? true : undefined), DETECTION_MS_MAX);
  // Writes through n1 reach n3 50 ms late: the members table shows n3's answers that slow, and that
  // n1's reads now ask it last.
  for (let index = 0; index < 5; index++) expect((await fetch(`${first!.url}/kv/slow-link`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: index }) })).status).toBe(200);
  const answersCell = page.locator(`[data-testid="members"] tr[data-node-id="${thirdId}"] [data-field="answers"]`);
  await expect(answersCell).toHaveAttribute('data-asked-last', 'yes', { timeout: DETECTION_MS_MAX });
  await expect(answersCell).toHaveText(/^\d+ ms, asked last$/);
  await saveScreenshot(page, testInfo, 'chaos-delayed');
  await page.getByTestId('chaos-heal').click();
  await expect(page.getByTestId('chaos-state')).toHaveAttribute('data-delayed', '');

  await page.getByTestId('chaos-offset-seconds').fill('90');
  await page.getByTestId('chaos-skew').click();
  await expect(page.getByTestId('chaos-state')).toHaveAttribute('data-clock-offset-ms', '90000');
  expect((await chaosOf(first!.url)).clockOffsetMs).toBe(90_000);
  // The members table shows it: n1's clock 90 s ahead of its cluster's, n3's 90 s behind n1's.
  await expect(clockCell(firstId)).toHaveText('+1 min 30 s', { timeout: DETECTION_MS_MAX });
  await expect(clockCell(thirdId)).toHaveText('-1 min 30 s', { timeout: DETECTION_MS_MAX });
  // Beyond the bound (500 ms by default): n1 refuses writes, and the members view says so.
  await expect(page.getByTestId('clock-refusing')).toContainText("n1 refuses writes: its clock is +1 min 30 s off its cluster's, beyond its bound of 500 ms");
  await expectAccessible(page, 'members with a clock beyond the bound');
  await page.getByTestId('chaos-offset-seconds').fill('0');
  await page.getByTestId('chaos-skew').click();
  await expect(page.getByTestId('chaos-state')).toHaveAttribute('data-clock-offset-ms', '0');
  await expect(clockCell(thirdId)).toHaveText(/^[+-]\d+ ms$/, { timeout: DETECTION_MS_MAX });
  await expect(page.getByTestId('clock-refusing')).toHaveCount(0);

  // While n1 is paused, the page's own polls of it time out or fail: that is the fault, not a defect.
  browserErrors.allow(networkFailureTo(first!.url));
  await page.getByTestId('chaos-pause-seconds').fill(String(PAUSE_MS / 1000));
  await page.getByTestId('chaos-pause').click();
  await expect(page.getByTestId('chaos-message')).toContainText('n1 paused');
  await expect(page.locator('[data-testid="chaos-events"] li[data-kind="resume"]')).toHaveCount(1, { timeout: DETECTION_MS_MAX });

  const kinds = (await chaosOf(first!.url)).events.filter((event) => event.run === 'dashboard').map((event) => event.kind);
  expect(kinds).toEqual(['partition', 'heal', 'delay', 'heal', 'skew', 'skew', 'pause', 'resume']);
  await expect(page.locator('[data-testid="chaos-events"] li')).toHaveCount(kinds.length);
  await expect(page.locator('[data-testid="chaos-events"] li').first()).toContainText('partition from n3 (run dashboard)');
  await saveScreenshot(page, testInfo, 'chaos-timeline');
});
