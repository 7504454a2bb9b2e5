// A joiner's wait before it streams (ring-join.ts, step 2): every member that may be coordinating
// writes must route by the joiner's pending ring first, a suspect one included, or that member's writes
// to the joiner's future ranges could land after the stream passed their keys and never reach it.

import { expect, test } from 'bun:test';
import { PENDING_RING_DIGEST_METADATA, RING_DIGEST_METADATA, RING_OWNERSHIP_METADATA, type RingOwnership } from '../ring';
import type { RebalanceEngine } from './rebalance-engine';
import { RecordingLogger } from './recording-logger.test-harness';
import { JOIN_CHECK_INTERVAL_MS, JOIN_WRITES_IN_FLIGHT_MS, RingJoin, type JoinMember } from './ring-join';
import { RingPlacement } from './ring-placement';
import { SelfOwnership } from './self-ownership';

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const C = 'cccccccccccccccc';
const SELF = 'dddddddddddddddd';
/** Time enough for the join to take its next steps (every JOIN_CHECK_INTERVAL_MS) once nothing holds it back. */
const STEP_SLACK_MS = 750;
const TEST_MS_MAX = 10_000;

test('a joiner does not stream while a suspect member still routes by rings without it; it does once that member reports them', async () => {
  const members = new Map<string, JoinMember>();
  const setMember = (nodeId: string, state: JoinMember['state'], digests: { current?: string; pending?: string }) =>
    members.set(nodeId, { nodeId, state, self: false, metadata: { [RING_OWNERSHIP_METADATA]: 'owner' satisfies RingOwnership, [RING_DIGEST_METADATA]: digests.current, [PENDING_RING_DIGEST_METADATA]: digests.pending } });
  for (const nodeId of [A, B, C]) setMember(nodeId, 'alive', {});
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
      knows: (nodeId) => members.has(nodeId),
      metadataOf: (nodeId) => members.get(nodeId)?.metadata,
    },
  });
  const agreed = { current: placement.current().ring.digest, pending: placement.pending().ring.digest };
  setMember(A, 'alive', agreed);
  setMember(C, 'alive', agreed);
  // B is slow to answer heartbeats (suspect) and has not heard of the joiner: it still coordinates
  // writes by the rings it reports, which have no join ring for SELF.
  setMember(B, 'suspect', { current: agreed.current });
  const streamed: unknown[] = [];
  const engine = { run: async (plan: unknown[]) => (streamed.push(plan), true), forgetProgress: async () => {}, close: async () => {} } as unknown as RebalanceEngine;
  const join = new RingJoin({ selfId: SELF, ownership, placement, members: () => [...members.values()], transportJoined: () => true, engine, logger });
  try {
    join.start();
    await Bun.sleep(JOIN_WRITES_IN_FLIGHT_MS + STEP_SLACK_MS);
    expect(streamed).toEqual([]);
    expect(ownership.current).toBe('joining');

    setMember(B, 'suspect', agreed);
    const caughtUpAt = performance.now();
    while (streamed.length === 0 && performance.now() - caughtUpAt < JOIN_WRITES_IN_FLIGHT_MS + STEP_SLACK_MS) await Bun.sleep(JOIN_CHECK_INTERVAL_MS / 5);
    expect(streamed).toHaveLength(1);
    // The wait for writes in flight starts when the last member caught up, not before.
    expect(performance.now() - caughtUpAt).toBeGreaterThanOrEqual(JOIN_WRITES_IN_FLIGHT_MS);
    expect(ownership.current).toBe('owner');
  } finally {
    await join.close();
  }
}, TEST_MS_MAX);
