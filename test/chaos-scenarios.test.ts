// The example chaos scenarios (examples/scenarios/*.txt) replayed by `swarmkv run` against a real
// three-node cluster started with --chaos, each node in its own network namespace. The scenarios are
// written for `swarmkv up`'s cluster (members node-7070..node-7072 at http://127.0.0.1:7070..7072);
// the test maps those names and URLs onto its own cluster's (n1..n3 on the test network) and nothing
// else. While a scenario runs, the test watches what a learner is told to watch: membership on the
// other side, hints and convergence after the heal, last-writer-wins under skew, what a slow link does
// to a request's trace and to the failure detector, and every member's
// chaos events labelled with the scenario's --run. Then `swarmkv chaos plan` output is replayed too,
// and `swarmkv check` replays the partition under its client workload and judges what the clients saw.

import { describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAMESPACES_AVAILABLE, useCluster, type ClusterNode, type TestCluster } from './support/cluster';
import { ringsAgree } from './support/cluster-scenarios';
import { checkDuring, mappedScenario, runScript, type RunResult } from './support/scenario-scripts';

/** Each scenario lasts at most ~15 s of sleeps; the rest is the CLI's start-up on a loaded machine. */
const SCENARIO_MS_MAX = 60_000;
const TEST_MS = 2 * SCENARIO_MS_MAX;
/** The `lan` profile declares a silent member dead within ~5 s; a loaded machine gets more. */
const DETECTION_MS_MAX = 15_000;
const CONVERGENCE_MS_MAX = 30_000;

/** A script running in the background: `result` once it exited, else undefined. */
interface RunningScript {
  readonly done: Promise<RunResult>;
  result: RunResult | undefined;
}

function startScript(scratch: string, name: string, text: string, urls: readonly string[]): RunningScript {
  const running: RunningScript = { done: runScript(scratch, name, text, urls), result: undefined };
  void running.done.then((result) => (running.result = result));
  return running;
}

/** Polls `predicate` while the script runs; a script that ends first fails the wait with its output. */
function whileRunning(cluster: TestCluster, running: RunningScript, predicate: () => Promise<boolean>, what: string): Promise<number> {
  return cluster.waitFor(async () => {
    if (running.result !== undefined) throw new Error(`the script ended first (exit ${running.result.code}): ${running.result.stdout}${running.result.stderr}`);
    return predicate();
  }, DETECTION_MS_MAX, what);
}

async function stateOf(cluster: TestCluster, observer: ClusterNode, subject: ClusterNode): Promise<string | undefined> {
  return (await cluster.members(observer)).find((member) => member.nodeId === subject.nodeId)?.state;
}

async function chaosEvents(cluster: TestCluster, node: ClusterNode): Promise<{ kind: string; run?: string }[]> {
  const reply = await cluster.request(node, 'GET', '/chaos');
  expect(reply.status).toBe(200);
  return (reply.body as { events: { kind: string; run?: string }[] }).events;
}

/**
 * Until every member owns its ranges (a member still joining may only coordinate while an owner it
 * routes by is reachable: a partition would turn it away) and sees every other alive.
 */
async function settled(cluster: TestCluster): Promise<void> {
  const owner = async (node: ClusterNode) => ((await cluster.request(node, 'GET', '/cluster/rebalance')).body as { ownership?: string }).ownership === 'owner';
  await cluster.waitFor(async () => (await Promise.all(cluster.nodes.map(owner))).every(Boolean), CONVERGENCE_MS_MAX, 'every member an owner');
  await cluster.waitFor(() => cluster.allSeeAllAlive(), CONVERGENCE_MS_MAX, 'every member alive');
  // One ring everywhere, and no write still counting an earlier one (a scenario starts from a settled ring).
  await cluster.waitFor(() => ringsAgree(cluster, cluster.nodes), CONVERGENCE_MS_MAX, 'one ring everywhere, no joint ring');
}

describe.skipIf(!NAMESPACES_AVAILABLE)('chaos scenarios replayed by swarmkv run', () => {
  /** Every membership verdict any node logged: observer, subject and state. */
  const verdicts: { observer: string; subject: string; state: string }[] = [];
  const cluster = useCluster({
    nodes: 3,
    // The skew scenarios show what a skewed clock does to last-writer-wins: as their headers say, they
    // need nodes without a clock-offset bound (`swarmkv up --max-clock-offset-ms 0`); with the default
    // bound the skewed node refuses the writes (test/clock-guard.test.ts).
    nodeArgs: ['--chaos', '--max-clock-offset-ms', '0'],
    eventSink: (observer, fields) => {
      if (fields.event === 'membership.member_changed') verdicts.push({ observer, subject: String(fields.name), state: String(fields.state) });
    },
  });
  let scratch = '';

  const withScratch = async (body: () => Promise<void>) => {
    scratch = mkdtempSync(join(tmpdir(), 'swarmkv-scenarios-'));
    try {
      await body();
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  };

  test('a partition and its heal: the cut-off member turns suspect or dead on the others, then alive, and catches up', () => withScratch(async () => {
    const [n1, n2, n3] = cluster().nodes as [ClusterNode, ClusterNode, ClusterNode];
    await settled(cluster());
    verdicts.length = 0;
    const run = startScript(scratch, 'partition.txt', mappedScenario(cluster(), 'partition-and-heal.txt'), [n1.url, n2.url]);
    await whileRunning(cluster(), run, async () => ['suspect', 'dead'].includes((await stateOf(cluster(), n1, n3)) ?? ''), 'n1 to suspect n3 during the partition');
    const result = await run.done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`partitioned n3 / n1, n2 for 10s (run partition-and-heal)`);
    await cluster().waitFor(() => cluster().allSeeAllAlive(), CONVERGENCE_MS_MAX, 'every member alive after the heal');
    // n1 and n2 never lost each other: n3's stale verdicts on them, gossiped after the heal, may make
    // one suspect the other for a moment, never dead (a dead one would refuse quorum writes meanwhile).
    const majority = [n1.name, n2.name];
    expect(verdicts.filter((verdict) => verdict.state === 'dead' && majority.includes(verdict.observer) && majority.includes(verdict.subject))).toEqual([]);
    expect(verdicts.some((verdict) => verdict.state === 'dead' && verdict.subject === n3.name)).toBe(true);
    // The scenario's last line read the key on n3 at quorum; n3's own copy must come to the same version (hints, repair).
    expect(result.stdout).toContain('written on the majority side during the partition');
    const versionOn = async (node: ClusterNode) => ((await cluster().local(node, 'scenario:partition')).body as { version?: unknown } | null)?.version;
    const written = await versionOn(n1);
    await cluster().waitFor(async () => (await versionOn(n3)) === written, CONVERGENCE_MS_MAX, "n3's own copy to reach the version written during the partition");
    for (const node of [n1, n2, n3]) {
      expect((await chaosEvents(cluster(), node)).filter((event) => event.run === 'partition-and-heal').map((event) => event.kind)).toContain('partition');
    }
  }), TEST_MS);

  test('clock skew and last-writer-wins: the write from a clock an hour ahead is dated an hour ahead, and the later write on a true clock still wins through the hybrid clock', () => withScratch(async () => {
    const [n1, n2] = cluster().nodes as [ClusterNode, ClusterNode, ClusterNode];
    await settled(cluster());
    const result = await runScript(scratch, 'skew.txt', mappedScenario(cluster(), 'clock-skew-lww.txt'), [n1.url]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const reads = result.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { value: unknown; updatedAt: string });
    expect(reads.map((read) => read.value)).toEqual(['written first, on n1, an hour ahead', 'written later, on n2, on real time']);
    expect(Date.parse(reads[0]!.updatedAt)).toBeGreaterThan(Date.now() + 30 * 60_000);
    expect(Math.abs(Date.parse(reads[1]!.updatedAt) - Date.now())).toBeLessThan(5 * 60_000);
    const skews = (await chaosEvents(cluster(), n1)).filter((event) => event.run === 'clock-skew-lww' && event.kind === 'skew');
    expect(skews.length).toBe(2);
    expect(((await cluster().request(n1, 'GET', '/chaos')).body as { clockOffsetMs: number }).clockOffsetMs).toBe(0);
    expect(((await cluster().request(n2, 'GET', '/chaos')).body as { clockOffsetMs: number }).clockOffsetMs).toBe(0);
  }), TEST_MS);

  test('a pause past the failure detector: the paused member is suspected, then resumes and is alive again', () => withScratch(async () => {
    const [n1, , n3] = cluster().nodes as [ClusterNode, ClusterNode, ClusterNode];
    await settled(cluster());
    const run = startScript(scratch, 'pause.txt', mappedScenario(cluster(), 'pause-past-failure-detector.txt'), [n1.url]);
    await whileRunning(cluster(), run, async () => ['suspect', 'dead'].includes((await stateOf(cluster(), n1, n3)) ?? ''), 'n1 to suspect the paused n3');
    const result = await run.done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    await cluster().waitFor(() => cluster().allSeeAllAlive(), CONVERGENCE_MS_MAX, 'every member alive after the pause');
    const kinds = (await chaosEvents(cluster(), n3)).filter((event) => event.run === 'pause-past-failure-detector').map((event) => event.kind);
    expect(kinds).toEqual(['pause', 'resume']);
    expect(result.stdout).toMatch(/pause for 8s \(run pause-past-failure-detector\)/);
  }), TEST_MS);

  test('a planned scenario replays: every fault it chose reaches its member, labelled with the run', () => withScratch(async () => {
    const [n1, n2, n3] = cluster().nodes as [ClusterNode, ClusterNode, ClusterNode];
    await settled(cluster());
    const plan = await runScript(scratch, 'plan.txt', 'chaos plan --seed 11 --duration 12s --faults partition,skew --run planned-11 --json\n', [n1.url]);
    expect(plan.code).toBe(0);
    const { script, members } = JSON.parse(plan.stdout) as { script: string[]; members: string[] };
    expect(members).toEqual(['n1', 'n2', 'n3']);
    const result = await runScript(scratch, 'planned.txt', `${script.join('\n')}\n`, [n1.url, n2.url]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const planned = script.filter((line) => line.startsWith('chaos ') && !line.startsWith('chaos heal')).length;
    const events = (await Promise.all([n1, n2, n3].map((node) => chaosEvents(cluster(), node)))).flat().filter((event) => event.run === 'planned-11');
    expect(events.filter((event) => event.kind === 'partition' || event.kind === 'skew').length).toBeGreaterThanOrEqual(planned);
    await cluster().waitFor(() => cluster().allSeeAllAlive(), CONVERGENCE_MS_MAX, 'every member alive after the planned run');
  }), TEST_MS);

  test('swarmkv check replays the partition under a workload: the cut-off member refuses quorum requests while it lasts, nothing acknowledged is lost, no quorum read is stale', () => withScratch(async () => {
    const [n1, n2, n3] = cluster().nodes as [ClusterNode, ClusterNode, ClusterNode];
    await settled(cluster());
    const { result, report } = await checkDuring(cluster(), scratch, 'partition-and-heal.txt', 7);
    expect(result.code).toBe(0);
    expect(report.seed).toBe(7);
    expect(report.members.map((member) => member.name)).toEqual([n1.name, n2.name, n3.name]);
    expect(report.scriptExitCode).toBe(0);
    // n3 alone holds one of each key's three replicas: its quorum requests are refused during the partition.
    expect(report.byMember[n3.name]!.refused).toBeGreaterThan(0);
    expect(report.refusals['503 insufficient_replicas']).toBeGreaterThan(0);
    expect(report.byMember[n1.name]!.refused + report.byMember[n2.name]!.refused).toBe(0);
    expect(report.acknowledgedQuorumPuts).toBeGreaterThan(100);
    expect(report.finalReads.unread).toEqual([]);
    expect([report.lost, report.undoneDeletes, report.phantoms]).toEqual([[], [], []]);
    expect(report.reads.quorum).toBeGreaterThan(50);
    expect(report.staleReads.filter((stale) => stale.read.consistency !== 'one')).toEqual([]);
    expect(report).toMatchObject({ violations: 0, ok: true });
    // The tick lines on stderr show the refusals as they happen, per member, beside its answer times.
    expect(result.stderr).toMatch(new RegExp(`${n3.name} \\d+ ok \\([\\d.]+ ms median[^)]*\\), \\d+ refused`));
    await cluster().waitFor(() => cluster().allSeeAllAlive(), CONVERGENCE_MS_MAX, 'every member alive after the checked partition');
  }), TEST_MS);

  test('swarmkv check catches what a skewed minority does: refused and at-one writes from a clock an hour ahead outlive later quorum writes, reported as lost (exit 6) with the write that won', () => withScratch(async () => {
    const [n1, n2, n3] = cluster().nodes as [ClusterNode, ClusterNode, ClusterNode];
    await settled(cluster());
    const { result, report } = await checkDuring(cluster(), scratch, 'skewed-minority.txt', 9);
    expect(result.code).toBe(6);
    expect(report.scriptExitCode).toBe(0);
    expect(report.ok).toBe(false);
    expect(report.lost.length).toBeGreaterThan(0);
    // Every write that won was sent to n3, the skewed minority, before the lost write was acknowledged on the majority side.
    for (const lost of report.lost) {
      expect(lost.op.coordinator === n1.name || lost.op.coordinator === n2.name).toBe(true);
      expect(lost.foundWrittenBy?.coordinator).toBe(n3.name);
      expect(Date.parse(lost.foundWrittenBy!.invokedAt)).toBeLessThan(Date.parse(lost.op.completedAt));
    }
    expect(((await cluster().request(n3, 'GET', '/chaos')).body as { clockOffsetMs: number }).clockOffsetMs).toBe(0);
    await cluster().waitFor(() => cluster().allSeeAllAlive(), CONVERGENCE_MS_MAX, 'every member alive after the skewed partition');
  }), TEST_MS);

  // Last: a member this slow leaves Lifeguard's local health scores raised for a while, and the stretched
  // timings would slow the failure detection the tests after it rely on (docs/chaos.md).
  test('a slow link: a quorum write does not wait for the slow member, a write at all does, the slow node hedges its read; past the probe timeout members suspect each other', () => withScratch(async () => {
    const [n1, n2, n3] = cluster().nodes as [ClusterNode, ClusterNode, ClusterNode];
    await settled(cluster());
    verdicts.length = 0;
    const result = await runScript(scratch, 'slow.txt', mappedScenario(cluster(), 'slow-link.txt'), [n1.url]);
    expect(result.code).toBe(0);
    // The scenario's three traced requests, on stderr: a quorum write, a write at all, a read through the slow node.
    const traces = result.stderr.split('trace: coordinated by ').slice(1);
    expect(traces).toHaveLength(3);
    const tookMs = (trace: string) => Number(/answered in ([\d.]+) ms/.exec(trace)?.[1]);
    // 75 ms each way: a round trip to the slow member takes at least 150 ms.
    const roundTripMs = 150;
    expect(traces[0]).toContain(`not waited for (still in flight when answered): ${n3.name}`);
    expect(tookMs(traces[0]!)).toBeLessThan(roundTripMs);
    expect(traces[1]).toMatch(new RegExp(`← ${n3.name}  stored it`));
    expect(tookMs(traces[1]!)).toBeGreaterThanOrEqual(roundTripMs);
    expect(traces[2]!.startsWith(n3.name)).toBe(true);
    expect(traces[2]).toContain('read (a hedge: the replicas asked first were slow)');
    expect(tookMs(traces[2]!)).toBeGreaterThanOrEqual(roundTripMs);
    // 250 ms each way is past the lan profile's probe timeout (350 ms a round trip): n3 is suspected.
    expect(verdicts.some((verdict) => verdict.subject === n3.name && verdict.state === 'suspect')).toBe(true);
    for (const node of [n1, n2, n3]) {
      const kinds = (await chaosEvents(cluster(), node)).filter((event) => event.run === 'slow-link').map((event) => event.kind);
      expect(kinds).toEqual(['delay', 'delay', 'heal']);
    }
    await cluster().waitFor(() => cluster().allSeeAllAlive(), CONVERGENCE_MS_MAX, 'every member alive after the slow link healed');
  }), TEST_MS);
});
