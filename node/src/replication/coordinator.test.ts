// The coordinator against a fake cluster: in-memory replicas that can be taken down or made to hang.
import { beforeEach, describe, expect, test } from 'bun:test';
import { ManualClock } from '../clock';
import { SwarmError, type ErrorCode } from '../errors';
import { MemoryStore, type StoredRecord } from '../storage';
import { formatVersion, HybridLogicalClock } from '../version';
import { Coordinator } from './coordinator';
import { LocalReplica } from './local-replica';
import { stableWriteTargets, type Placement } from './placement';
import type { Replica } from './replica';
import { RequestTrace, TRACE_STEPS_MAX } from './request-trace';

const NODES = ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb', 'cccccccccccccccc'];
const [A, B, C] = NODES as [string, string, string];

class FakeCluster {
  readonly stores = new Map(NODES.map((id) => [id, new MemoryStore()]));
  readonly replicas = new Map(NODES.map((id) => [id, new LocalReplica(id, this.stores.get(id)!)]));
  readonly down = new Set<string>();
  readonly hanging = new Set<string>();
  /** Replicas the directory says answer slowly (ReplicaLatencies decides it in a real cluster). */
  readonly slow = new Set<string>();

  answersSlowly(nodeId: string): boolean {
    return this.slow.has(nodeId);
  }

  replica(nodeId: string): Replica | undefined {
    if (this.down.has(nodeId)) return undefined;
    const real = this.replicas.get(nodeId)!;
    if (!this.hanging.has(nodeId)) return real;
    const never = () => new Promise<never>(() => {});
    return { nodeId, read: never, write: never, scan: never };
  }

  stored(nodeId: string, key: string): StoredRecord | undefined {
    return this.stores.get(nodeId)!.get(key);
  }
}

const everywhere: Placement = { targetsFor: () => NODES.map((nodeId) => ({ nodeId })), writeTargetsFor: () => stableWriteTargets(NODES.map((nodeId) => ({ nodeId }))), listing: () => ({ nodes: NODES, rangeReplicas: [NODES] }) };

let clock: ManualClock;
let cluster: FakeCluster;
let coordinator: Coordinator;

function coordinatorOn(nodeId: string, placement: Placement = everywhere): Coordinator {
  return new Coordinator({
    hlc: new HybridLogicalClock(nodeId, clock),
    clock,
    placement,
    directory: cluster,
    readConsistency: 'quorum',
    writeConsistency: 'quorum',
  });
}

beforeEach(() => {
  clock = new ManualClock(1_000_000);
  cluster = new FakeCluster();
  coordinator = coordinatorOn(A);
});

async function failure(action: Promise<unknown>): Promise<SwarmError> {
  const error = await action.then(() => undefined, (caught: unknown) => caught);
  if (error instanceof SwarmError) return error;
  throw new Error(`expected a SwarmError, got ${String(error)}`);
}

const codeOf = async (action: Promise<unknown>): Promise<ErrorCode> => (await failure(action)).code;

describe('single-key operations', () => {
  test('a write reaches every replica and reads back, naming the replicas that answered', async () => {
    const written = await coordinator.put('k', '{"a":1}');
    for (const node of NODES) expect(cluster.stored(node, 'k')?.version).toBe(written.result.version);
    const read = await coordinator.get('k');
    expect(read.result.valueJson).toBe('{"a":1}');
    expect(read.replicas).toHaveLength(2);
  });

  test('while the write refusal says no (a clock too far off), no write is versioned or sent anywhere; reads go on', async () => {
    await coordinator.put('k', '1');
    let refusal: SwarmError | undefined = new SwarmError('unavailable', 'clock too far off', { reason: 'clock_offset' });
    const guarded = new Coordinator({ hlc: new HybridLogicalClock(B, clock), clock, placement: everywhere, directory: cluster, readConsistency: 'quorum', writeConsistency: 'quorum', writeRefusal: () => refusal });
    const before = NODES.map((node) => cluster.stored(node, 'k')?.version);
    for (const attempt of [guarded.put('k', '2'), guarded.put('new', '2'), guarded.delete('k'), guarded.create('other', '3'), guarded.writeIfVersion('k', '4', '*')]) {
      expect((await failure(attempt)).details).toEqual({ reason: 'clock_offset' });
    }
    expect(NODES.map((node) => cluster.stored(node, 'k')?.version)).toEqual(before);
    expect(NODES.some((node) => cluster.stored(node, 'new') !== undefined || cluster.stored(node, 'other') !== undefined)).toBe(false);
    expect((await guarded.get('k')).result.valueJson).toBe('1');
    refusal = undefined;
    expect((await guarded.put('k', '2')).result.valueJson).toBe('2');
  });

  test('a write waits for the write hold (a node just started, before its first clock reading), then is judged by the refusal', async () => {
    let release: () => void = () => {};
    let hold: Promise<void> | undefined = new Promise<void>((resolve) => (release = resolve));
    let refusal: SwarmError | undefined;
    const held = new Coordinator({ hlc: new HybridLogicalClock(B, clock), clock, placement: everywhere, directory: cluster, readConsistency: 'quorum', writeConsistency: 'quorum', writeRefusal: () => refusal, writeHold: () => hold });
    const waiting = held.put('k', '1');
    const stillWaiting = held.put('j', '1');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(NODES.some((node) => cluster.stored(node, 'k') !== undefined)).toBe(false);
    // The first reading says this clock is off: the held writes are refused, never versioned.
    refusal = new SwarmError('unavailable', 'clock too far off', { reason: 'clock_offset' });
    hold = undefined;
    release();
    expect((await failure(waiting)).details).toEqual({ reason: 'clock_offset' });
    expect((await failure(stillWaiting)).details).toEqual({ reason: 'clock_offset' });
    refusal = undefined;
    expect((await held.put('k', '2')).result.valueJson).toBe('2');
  });

  test('versions of a key increase even when the wall clock steps back', async () => {
    const first = await coordinator.put('k', '1');
    clock.set(500);
    const second = await coordinator.put('k', '2');
    expect(second.result.version > first.result.version).toBe(true);
  });

  test('create refuses a live key but accepts a deleted one', async () => {
    await coordinator.create('k', '1');
    expect(await codeOf(coordinator.create('k', '2'))).toBe('conflict');
    await coordinator.delete('k');
    const recreated = await coordinator.create('k', '3');
    expect((await coordinator.get('k')).result.version).toBe(recreated.result.version);
  });

  test('delete writes tombstones on the replicas; deleting again or a missing key is not found', async () => {
    await coordinator.put('k', '1');
    await coordinator.delete('k');
    expect(cluster.stored(B, 'k')?.valueJson).toBeNull();
    expect(await codeOf(coordinator.get('k'))).toBe('not_found');
    expect(await codeOf(coordinator.delete('k'))).toBe('not_found');
    expect(await codeOf(coordinator.delete('never'))).toBe('not_found');
    expect(cluster.stored(A, 'never')).toBeUndefined();
  });

  test('generated keys are distinct and fit the key limit they are given', async () => {
    const created = await Promise.all(Array.from({ length: 50 }, () => coordinator.createWithGeneratedKey('0', 1024)));
    expect(new Set(created.map((entry) => entry.result.key)).size).toBe(50);
    const short = await coordinator.createWithGeneratedKey('0', 16);
    expect(short.result.key).toHaveLength(16);
  });
});

describe('concurrent creates and deletes of one key on one coordinator', () => {
  test('of 20 concurrent creates exactly one wins, the rest conflict, and the winner is stored', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, index) => coordinator.create('k', String(index))));
    const winners = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.result] : []));
    const losers = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [(outcome.reason as SwarmError).code] : []));
    expect(winners).toHaveLength(1);
    expect(losers).toEqual(Array(19).fill('conflict'));
    expect((await coordinator.get('k')).result).toEqual(winners[0]!);
  });

  test('of 20 concurrent deletes exactly one deletes, the rest are not found', async () => {
    await coordinator.put('k', '1');
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => coordinator.delete('k')));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [(outcome.reason as SwarmError).code] : []))).toEqual(Array(19).fill('not_found'));
  });

  test('creates and deletes of different keys do not wait for each other', async () => {
    cluster.hanging.add(B);
    cluster.hanging.add(C);
    // A quorum create stuck on hanging replicas (until the quorum deadline) holds only its own key.
    const stuck = coordinator.create('slow', '1').catch((error: unknown) => error);
    const started = performance.now();
    await coordinator.create('fast', '1', 'one');
    expect(performance.now() - started).toBeLessThan(200);
    expect(await stuck).toBeInstanceOf(SwarmError);
  });

  test('a create waiting behind a delete of the same key sees the delete', async () => {
    await coordinator.put('k', '1');
    const [deleted, created] = await Promise.allSettled([coordinator.delete('k'), coordinator.create('k', '2')]);
    expect([deleted.status, created.status]).toEqual(['fulfilled', 'fulfilled']);
    expect((await coordinator.get('k')).result.valueJson).toBe('2');
  });
});

describe('quorums and failures', () => {
  test('a quorum write succeeds with one replica down; consistency=all fails with the counts', async () => {
    cluster.down.add(C);
    await coordinator.put('k', '1');
    const error = await failure(coordinator.put('k', '2', 'all'));
    expect(error.code).toBe('insufficient_replicas');
    expect(error.details).toEqual({ needed: 3, reached: 2 });
  });

  test('two replicas down: quorum fails fast, one succeeds', async () => {
    cluster.down.add(B);
    cluster.down.add(C);
    const started = performance.now();
    expect(await codeOf(coordinator.put('k', '1'))).toBe('insufficient_replicas');
    expect(performance.now() - started).toBeLessThan(200);
    await coordinator.put('k', '1', 'one');
    expect((await coordinator.get('k', 'one')).result.valueJson).toBe('1');
  });

  test('hanging replicas make a quorum write fail by the deadline, never hang', async () => {
    cluster.hanging.add(B);
    cluster.hanging.add(C);
    const started = performance.now();
    expect(await codeOf(coordinator.put('k', '1'))).toBe('insufficient_replicas');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test('a read returns the newest version and repairs the stale replica it heard from', async () => {
    await coordinator.put('k', '"old"');
    cluster.down.add(C);
    const newer = await coordinator.put('k', '"new"');
    cluster.down.clear();
    const read = await coordinator.get('k', 'all');
    expect(read.result.valueJson).toBe('"new"');
    await Bun.sleep(5);
    expect(cluster.stored(C, 'k')?.version).toBe(newer.result.version);
  });

  test('a coordinator with a lagging clock re-versions its write above what replicas hold', async () => {
    const ahead = formatVersion({ wallMs: 1_030_000, logical: 0, nodeId: B });
    for (const node of NODES) await cluster.stores.get(node)!.write('k', () => ({ key: 'k', valueJson: '"future"', version: ahead, updatedAtMs: 0 }));
    const written = await coordinator.put('k', '"mine"');
    expect(written.result.version > ahead).toBe(true);
    expect((await coordinator.get('k')).result.valueJson).toBe('"mine"');
  });
});

describe('listing across nodes', () => {
  test('keys held by different nodes are listed once each, in order, across pages', async () => {
    const owners: Record<string, string[]> = {};
    const placement: Placement = {
      targetsFor: (key) => (owners[key] ?? NODES).map((nodeId) => ({ nodeId })),
      writeTargetsFor: (key) => stableWriteTargets((owners[key] ?? NODES).map((nodeId) => ({ nodeId }))),
      listing: () => ({ nodes: NODES, rangeReplicas: [NODES] }),
    };
    const sharded = coordinatorOn(A, placement);
    const keys = Array.from({ length: 30 }, (_, index) => `k${String(index).padStart(2, '0')}`);
    keys.forEach((key, index) => (owners[key] = [NODES[index % 3]!, NODES[(index + 1) % 3]!]));
    for (const key of keys) await sharded.put(key, '1', 'all');
    await sharded.delete('k05', 'all');
    const listed: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const result = await sharded.list({ prefix: 'k', limit: 4, cursor });
      listed.push(...result.items.map((item) => item.key));
      if (result.next === null) break;
      cursor = result.next;
    }
    expect(listed).toEqual(keys.filter((key) => key !== 'k05'));
  });

  test('a node that does not answer is left out while every range has a replica that answered; otherwise the page is refused, not served short', async () => {
    // Two ranges: one on A and B, one on C alone (N = 1 there, as on a ring with a replica factor of one).
    const placement: Placement = { ...everywhere, listing: () => ({ nodes: NODES, rangeReplicas: [[A, B], [C]] }) };
    const lister = coordinatorOn(A, placement);
    await lister.put('k', '1', 'all');
    cluster.down.add(B);
    expect((await lister.list({ prefix: '', limit: 10, cursor: undefined })).items.map((item) => item.key)).toEqual(['k']);
    cluster.down.add(C);
    const refused = await failure(lister.list({ prefix: '', limit: 10, cursor: undefined }));
    expect(refused.code).toBe('insufficient_replicas');
    expect(refused.details).toEqual({ rangesUnheard: 1, ranges: 2 });
    // A scan that fails (not only a missing connection) counts as not answered too.
    cluster.down.delete(C);
    cluster.replicas.get(C)!.scan = () => Promise.reject(new SwarmError('unavailable', 'busy'));
    expect((await failure(lister.list({ prefix: '', limit: 10, cursor: undefined }))).code).toBe('insufficient_replicas');
  });
});

describe('conditional writes (If-Match)', () => {
  test('a write naming the newest version succeeds with a higher one; a stale or unknown version fails with 412 and writes nothing', async () => {
    const first = (await coordinator.put('k', '1')).result.version;
    const second = (await coordinator.writeIfVersion('k', '2', first)).result.version;
    expect(second > first).toBe(true);
    const stale = await failure(coordinator.writeIfVersion('k', '3', first));
    expect(stale.code).toBe('precondition_failed');
    expect(stale.details).toEqual({ key: 'k', expected: first, current: second });
    expect((await coordinator.get('k')).result.valueJson).toBe('2');
    expect((await failure(coordinator.writeIfVersion('absent', '1', first))).code).toBe('precondition_failed');
    expect(cluster.stored(A, 'absent')).toBeUndefined();
  });

  test('the new version supersedes the one read even when this node’s clock is far behind the writer’s', async () => {
    const ahead = new ManualClock(1_000_000 + 2 * 60 * 60_000); // beyond the drift this node adopts
    const fastNode = new Coordinator({ hlc: new HybridLogicalClock(B, ahead), clock: ahead, placement: everywhere, directory: cluster, readConsistency: 'quorum', writeConsistency: 'quorum' });
    const read = (await fastNode.put('skewed', '"from the future"')).result.version;
    const written = (await coordinator.writeIfVersion('skewed', '"after it"', read)).result.version;
    expect(written > read).toBe(true);
    for (const node of NODES) expect(cluster.stored(node, 'skewed')?.valueJson).toBe('"after it"');
  });

  test('`*` requires a live key; a conditional delete writes a tombstone', async () => {
    expect((await failure(coordinator.writeIfVersion('nothing', null, '*'))).code).toBe('precondition_failed');
    const version = (await coordinator.put('gone', '1')).result.version;
    await coordinator.writeIfVersion('gone', null, version);
    expect((await failure(coordinator.get('gone'))).code).toBe('not_found');
    expect((await failure(coordinator.writeIfVersion('gone', '2', '*'))).code).toBe('precondition_failed');
  });
});

describe('blind writes from a node whose clock lags', () => {
  test('are versioned above what the replicas hold, adopting the peers’ time when it is minutes ahead', async () => {
    const ahead = new ManualClock(1_000_000 + 5 * 60_000);
    const peer = new Coordinator({ hlc: new HybridLogicalClock(B, ahead), clock: ahead, placement: everywhere, directory: cluster, readConsistency: 'quorum', writeConsistency: 'quorum' });
    const theirs = (await peer.put('lag', '"peer"')).result.version;
    const ours = (await coordinator.put('lag', '"lagging node"')).result.version;
    expect(ours > theirs).toBe(true);
    // The clock was adopted: a write to another key is also after what was seen.
    expect((await coordinator.put('other', '1')).result.version > theirs).toBe(true);
  });

  test('still win over a version beyond the adoptable drift, by its successor', async () => {
    const farAhead = new ManualClock(1_000_000 + 2 * 60 * 60_000);
    const peer = new Coordinator({ hlc: new HybridLogicalClock(B, farAhead), clock: farAhead, placement: everywhere, directory: cluster, readConsistency: 'quorum', writeConsistency: 'quorum' });
    const theirs = (await peer.put('far', '"peer"')).result.version;
    const ours = (await coordinator.put('far', '"lagging node"')).result.version;
    expect(ours > theirs).toBe(true);
    for (const node of NODES) expect(cluster.stored(node, 'far')?.valueJson).toBe('"lagging node"');
  });
});

describe('reads at one', () => {
  test('a coordinator that is a home replica answers from its own store alone', async () => {
    await coordinator.put('mine', '1', 'all');
    cluster.hanging.add(B);
    cluster.hanging.add(C);
    const read = await coordinator.get('mine', 'one');
    expect(read.replicas).toEqual([A]);
    expect(read.result.valueJson).toBe('1');
  });
});

describe('reads ask only the replicas they need', () => {
  test('a quorum read on a home replica asks its own store and one other, not all three', async () => {
    await coordinator.put('few', '1', 'all');
    const asked = countReads();
    const read = await coordinator.get('few');
    expect(read.replicas).toEqual([A, B]);
    expect([...asked.entries()]).toEqual([[A, 1], [B, 1]]);
  });

  test('a down replica is replaced by the next one at once', async () => {
    await coordinator.put('spare', '1', 'all');
    cluster.down.add(B);
    const read = await coordinator.get('spare');
    expect(read.replicas.sort()).toEqual([A, C]);
  });

  test('a hanging replica is hedged: the read still answers, well inside the quorum deadline', async () => {
    await coordinator.put('hedged', '1', 'all');
    cluster.hanging.add(B);
    const started = performance.now();
    const read = await coordinator.get('hedged');
    expect(read.replicas.sort()).toEqual([A, C]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('a replica that answers slowly is asked after the others: no hedge wait, and the trace says why', async () => {
    await coordinator.put('slow', '1', 'all');
    // B comes first in ring order after A itself; hanging, it would hold the read for the hedge delay.
    cluster.hanging.add(B);
    cluster.slow.add(B);
    const trace = new RequestTrace(A);
    const started = performance.now();
    const read = await coordinator.get('slow', 'quorum', trace);
    expect(performance.now() - started).toBeLessThan(50);
    expect(read.replicas.sort()).toEqual([A, C]);
    const steps = trace.report().steps;
    expect(steps.filter((step) => step.step === 'ask').map((step) => (step.step === 'ask' ? step.nodeId : ''))).toEqual([A, C]);
    const placement = steps.find((step) => step.step === 'placement');
    expect(placement?.step === 'placement' ? placement.replicas.map((replica) => [replica.nodeId, replica.slow ?? false]) : []).toEqual([[A, false], [B, true], [C, false]]);
  });

  test('a quorum read after a quorum write that missed this node still sees it (W + R > N)', async () => {
    const elsewhere = coordinatorOn(B);
    cluster.down.add(A);
    await elsewhere.put('overlap', '"new"');
    cluster.down.delete(A);
    const read = await coordinator.get('overlap');
    expect(read.result.valueJson).toBe('"new"');
  });
});

/** Counts the reads each replica serves from now on. */
function countReads(): Map<string, number> {
  const asked = new Map<string, number>();
  for (const [nodeId, replica] of cluster.replicas) {
    const read = replica.read.bind(replica);
    replica.read = (key: string) => {
      asked.set(nodeId, (asked.get(nodeId) ?? 0) + 1);
      return read(key);
    };
  }
  return asked;
}

describe('a traced request (?trace=true): what it did, step by step', () => {
  const stepsOf = (trace: RequestTrace) => trace.report().steps.map((step) => step.step);

  test('a quorum write: the replicas and how many it needs, its version, every ask, the acknowledgements, the quorum', async () => {
    const trace = new RequestTrace(A);
    const written = await coordinator.put('k', '1', 'quorum', trace);
    const report = trace.report();
    expect(report.coordinator).toBe(A);
    expect(report.steps[0]).toMatchObject({ step: 'placement', purpose: 'write', needed: 2, replicas: NODES.map((nodeId) => ({ nodeId, counts: true })) });
    expect(report.steps[1]).toMatchObject({ step: 'version', version: written.result.version });
    expect(report.steps.filter((step) => step.step === 'ask').map((step) => 'nodeId' in step && step.nodeId)).toEqual(NODES);
    const acks = report.steps.filter((step) => step.step === 'ack');
    expect(acks.length).toBeGreaterThanOrEqual(2);
    for (const ack of acks) expect(ack).toMatchObject({ applied: true, version: written.result.version });
    expect(report.steps.find((step) => step.step === 'quorum')).toMatchObject({ replies: 2, needed: 2 });
    // The times only grow, from the placement on.
    const times = report.steps.map((step) => step.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Untraced requests take the same path and record nothing anywhere.
    expect((await coordinator.put('k', '2')).result.valueJson).toBe('2');
  });

  test('a read that meets a stale replica: every answer, the newest, and the read repair sent to the stale one', async () => {
    const record = (wallMs: number, valueJson: string) => ({ key: 'k', valueJson, version: formatVersion({ wallMs, logical: 0, nodeId: B }), updatedAtMs: wallMs });
    await cluster.replicas.get(A)!.write(record(1_000, '"old"'));
    for (const node of [B, C]) await cluster.replicas.get(node)!.write(record(2_000, '"new"'));
    const newest = record(2_000, '"new"').version;
    const trace = new RequestTrace(A);
    expect((await coordinator.get('k', 'all', trace)).result.version).toBe(newest);
    const steps = trace.report().steps;
    expect(steps.filter((step) => step.step === 'reply').map((step) => step.step === 'reply' && [step.nodeId, step.version])).toEqual(expect.arrayContaining([[A, record(1_000, '').version], [B, newest], [C, newest]]));
    expect(steps.find((step) => step.step === 'quorum')).toMatchObject({ replies: 3, needed: 3, newest });
    expect(steps.filter((step) => step.step === 'repair')).toEqual([expect.objectContaining({ nodeId: A, version: newest })]);
  });

  test('a replica that is down fails in the trace with the reason; the quorum is met without it', async () => {
    cluster.down.add(C);
    const trace = new RequestTrace(A);
    await coordinator.put('k', '1', 'quorum', trace);
    expect(trace.report().steps.find((step) => step.step === 'fail')).toMatchObject({ nodeId: C, error: 'unavailable' });
    expect(trace.report().inFlight).not.toContain(C);
  });

  test('a write that meets a newer version on a replica is superseded and written again above it', async () => {
    const ahead = formatVersion({ wallMs: 2_000_000, logical: 0, nodeId: B });
    await cluster.replicas.get(B)!.write({ key: 'k', valueJson: '"future"', version: ahead, updatedAtMs: 2_000_000 });
    const trace = new RequestTrace(A);
    const written = await coordinator.put('k', '"now"', 'all', trace);
    expect(written.result.version > ahead).toBe(true);
    const steps = trace.report().steps;
    expect(steps.find((step) => step.step === 'ack' && !step.applied)).toMatchObject({ nodeId: B, version: ahead });
    expect(steps.find((step) => step.step === 'superseded')).toMatchObject({ newer: ahead });
    expect(steps.filter((step) => step.step === 'placement')).toHaveLength(2);
    expect(steps.filter((step) => step.step === 'version').at(-1)).toMatchObject({ version: written.result.version, above: ahead });
  });

  test('a delete traces its read, then its write', async () => {
    await coordinator.put('k', '1');
    const trace = new RequestTrace(A);
    await coordinator.delete('k', 'quorum', trace);
    const purposes = trace.report().steps.flatMap((step) => (step.step === 'placement' ? [step.purpose] : []));
    expect(purposes).toEqual(['read', 'write']);
    expect(stepsOf(trace)).toContain('version');
  });

  test('a trace keeps at most TRACE_STEPS_MAX steps and counts the rest', () => {
    const trace = new RequestTrace(A);
    for (let index = 0; index < TRACE_STEPS_MAX + 10; index++) trace.quorum(1, 1);
    expect(trace.report().steps).toHaveLength(TRACE_STEPS_MAX);
    expect(trace.report().stepsDropped).toBe(10);
  });
});
