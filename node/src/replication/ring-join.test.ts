// A joiner's wait before it streams (ring-join.ts, step 2): every member that may be coordinating
// writes must route by the joiner's rings first, a suspect one included, and writes routed by older
// rings must have had time to land; otherwise such a write could reach the replica streamed from after
// the stream passed its key, and never reach the joiner.

import { expect, test } from 'bun:test';
import { PENDING_RING_DIGEST_METADATA, RING_DIGEST_METADATA, RING_OWNERSHIP_METADATA, type RingOwnership } from '../ring';
import type { RebalanceEngine } from './rebalance-engine';
import { RecordingLogger } from './recording-logger.test-harness';
import { JOIN_CHECK_INTERVAL_MS, RingJoin, type JoinMember } from './ring-join';
import { RingPlacement } from './ring-placement';
import { SelfOwnership } from './self-ownership';

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const C = 'cccccccccccccccc';
const SELF = 'dddddddddddddddd';
const OTHER_JOINER = 'eeeeeeeeeeeeeeee';
/** A joiner whose node id is below SELF's: it becomes an owner first. */
const LOWER_JOINER = '0123456789abcdef';
/** The wait for writes in flight, shortened from JOIN_WRITES_IN_FLIGHT_MS to keep the test quick. */
const WRITES_IN_FLIGHT_MS = 400;
/** Time enough for the join to take its next steps (every JOIN_CHECK_INTERVAL_MS) once nothing holds it back. */
const STEP_SLACK_MS = 4 * JOIN_CHECK_INTERVAL_MS;

/** A joiner (SELF) among owners A, B and C, each reporting what the test sets; its streams recorded. */
function joinAmongOwners(others: readonly string[] = [A, B, C]) {
  const members = new Map<string, JoinMember>();
  const setMember = (nodeId: string, state: JoinMember['state'], reports: { ownership?: RingOwnership; current?: string; pending?: string }) =>
    members.set(nodeId, { nodeId, state, self: false, metadata: { [RING_OWNERSHIP_METADATA]: reports.ownership ?? 'owner', [RING_DIGEST_METADATA]: reports.current, [PENDING_RING_DIGEST_METADATA]: reports.pending } });
  for (const nodeId of others) setMember(nodeId, 'alive', {});
  const logger = new RecordingLogger();
  const ownership = new SelfOwnership({ getMeta: () => undefined, setMeta: async () => {} }, logger, 'joining');
  const placement = new RingPlacement({
    selfId: SELF,
    replicationFactor: 3,
    tokensPerNode: 8,
    selfOwnership: () => ownership.current,
    membership: {
      ringMemberIds: () => [...members.keys()].sort(),
      isHealthy: (nodeId) => members.get(nodeId)?.state === 'alive',
      isDown: (nodeId) => ['dead', 'left', 'removed'].includes(members.get(nodeId)?.state ?? 'alive'),
      knows: (nodeId) => members.has(nodeId),
      metadataOf: (nodeId) => members.get(nodeId)?.metadata,
    },
  });
  const streams: { startedAt: number; plan: unknown[] }[] = [];
  let duringStream = () => {};
  const engine = {
    run: async (plan: unknown[]) => {
      streams.push({ startedAt: performance.now(), plan });
      duringStream();
      return true;
    },
    forgetProgress: async () => {},
    close: async () => {},
  } as unknown as RebalanceEngine;
  const join = new RingJoin({ selfId: SELF, ownership, placement, members: () => [...members.values()], transportJoined: () => true, engine, logger, writesInFlightMs: WRITES_IN_FLIGHT_MS });
  const rings = () => {
    placement.refresh();
    return { current: placement.current().ring.digest, pending: placement.pending().ring.digest };
  };
  return { setMember, ownership, join, streams, rings, logger, onStream: (hook: () => void) => (duringStream = hook) };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const startedAt = performance.now();
  while (!condition() && performance.now() - startedAt < timeoutMs) await Bun.sleep(JOIN_CHECK_INTERVAL_MS / 5);
}

test('a joiner does not stream while a suspect member still routes by rings without it; it does once that member reports them', async () => {
  const { setMember, ownership, join, streams, rings } = joinAmongOwners();
  const agreed = rings();
  setMember(A, 'alive', agreed);
  setMember(C, 'alive', agreed);
  // B is slow to answer heartbeats (suspect) and has not heard of the joiner: it still coordinates
  // writes by the rings it reports, which have no join ring for SELF.
  setMember(B, 'suspect', { current: agreed.current });
  try {
    join.start();
    await Bun.sleep(WRITES_IN_FLIGHT_MS + STEP_SLACK_MS);
    expect(streams).toEqual([]);
    expect(ownership.current).toBe('joining');

    setMember(B, 'suspect', agreed);
    const caughtUpAt = performance.now();
    await until(() => streams.length > 0, WRITES_IN_FLIGHT_MS + STEP_SLACK_MS);
    expect(streams).toHaveLength(1);
    // The wait for writes in flight starts when the last member caught up, not before.
    expect(streams[0]!.startedAt - caughtUpAt).toBeGreaterThanOrEqual(WRITES_IN_FLIGHT_MS);
    expect(ownership.current).toBe('owner');
  } finally {
    await join.close();
  }
});

test('when the rings move during its stream, a joiner waits for writes in flight again, even if every member caught up between two checks', async () => {
  const { setMember, ownership, join, streams, rings, onStream } = joinAmongOwners([A, B, C, OTHER_JOINER]);
  const reportAll = (reports: { current: string; pending: string }, otherJoiner: RingOwnership) => {
    for (const nodeId of [A, B, C]) setMember(nodeId, 'alive', reports);
    setMember(OTHER_JOINER, 'alive', { ...reports, ownership: otherJoiner });
  };
  setMember(OTHER_JOINER, 'alive', { ownership: 'joining' });
  reportAll(rings(), 'joining');
  // The other joiner becomes an owner while this one streams, and everyone reports the new rings at once.
  onStream(() => {
    onStream(() => {});
    setMember(OTHER_JOINER, 'alive', { ownership: 'owner' });
    reportAll(rings(), 'owner');
  });
  try {
    join.start();
    await until(() => streams.length > 1, 2 * WRITES_IN_FLIGHT_MS + 2 * STEP_SLACK_MS);
    expect(streams).toHaveLength(2);
    expect(streams[1]!.plan).not.toEqual(streams[0]!.plan);
    expect(streams[1]!.startedAt - streams[0]!.startedAt).toBeGreaterThanOrEqual(WRITES_IN_FLIGHT_MS);
    expect(ownership.current).toBe('owner');
  } finally {
    await join.close();
  }
});

test('of two joiners, the higher node id becomes an owner only once the lower one is, and re-plans against the ring with it', async () => {
  const { setMember, ownership, join, streams, rings, logger } = joinAmongOwners([A, B, C, LOWER_JOINER]);
  const reportAll = (lowerJoiner: RingOwnership) => {
    const reports = rings();
    for (const nodeId of [A, B, C]) setMember(nodeId, 'alive', reports);
    setMember(LOWER_JOINER, 'alive', { ...reports, ownership: lowerJoiner });
  };
  setMember(LOWER_JOINER, 'alive', { ownership: 'joining' });
  reportAll('joining');
  try {
    join.start();
    await until(() => streams.length > 0, WRITES_IN_FLIGHT_MS + STEP_SLACK_MS);
    await Bun.sleep(STEP_SLACK_MS);
    expect(ownership.current).toBe('joining');
    expect(logger.events('ring.join_waiting')).toEqual([{ for: LOWER_JOINER, reason: 'a joiner with a lower node id becomes an owner first' }]);

    setMember(LOWER_JOINER, 'alive', { ownership: 'owner' });
    reportAll('owner');
    await until(() => ownership.current === 'owner', WRITES_IN_FLIGHT_MS + STEP_SLACK_MS);
    expect(ownership.current).toBe('owner');
    expect(streams.at(-1)!.plan).not.toEqual(streams[0]!.plan);
  } finally {
    await join.close();
  }
});

test('joiners that displace nobody, of a ring whose quorum is all of it (a cluster starting), become owners without waiting for each other', async () => {
  const { setMember, ownership, join, rings, logger } = joinAmongOwners([A, LOWER_JOINER]);
  setMember(LOWER_JOINER, 'alive', { ownership: 'joining' });
  const reports = rings();
  setMember(A, 'alive', reports);
  setMember(LOWER_JOINER, 'alive', { ...reports, ownership: 'joining' });
  try {
    join.start();
    await until(() => ownership.current === 'owner', WRITES_IN_FLIGHT_MS + STEP_SLACK_MS);
    expect(ownership.current).toBe('owner');
    expect(logger.events('ring.join_waiting')).toEqual([]);
  } finally {
    await join.close();
  }
});
