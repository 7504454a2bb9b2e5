// Hints for replicas that failed a write their co-replicas acknowledged: kept once the write is known to
// have succeeded, never for a write that failed or was superseded, never for this node or a stand-in.
import { beforeEach, describe, expect, test } from 'bun:test';
import { ManualClock } from '../clock';
import { SwarmError } from '../errors';
import { MemoryStore, type StoredRecord } from '../storage';
import { formatVersion, HybridLogicalClock } from '../version';
import { Coordinator } from './coordinator';
import { LocalReplica } from './local-replica';
import { MissedReplicas } from './missed-replicas';
import { stableWriteTargets, type Placement, type ReplicaTarget } from './placement';
import type { Replica, ReplicaWriteAck } from './replica';
import { RequestTrace } from './request-trace';

const [A, B, C, D] = ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb', 'cccccccccccccccc', 'dddddddddddddddd'] as const;
const record: StoredRecord = { key: 'k', valueJson: '1', version: formatVersion({ wallMs: 1, logical: 0, nodeId: A }), updatedAtMs: 1 };

describe('MissedReplicas: one write attempt', () => {
  let kept: string[];
  const keep = (nodeId: string, written: StoredRecord) => void kept.push(`${nodeId}@${written.version}`);
  beforeEach(() => (kept = []));

  test('failures before the acknowledgement are kept when it comes; later ones at once', () => {
    const missed = new MissedReplicas(keep, record, () => true);
    missed.failed(B);
    expect(kept).toEqual([]);
    expect(missed.acknowledged()).toEqual([B]);
    missed.failed(C);
    expect(kept).toEqual([`${B}@${record.version}`, `${C}@${record.version}`]);
  });

  test('an attempt never acknowledged (failed, or superseded) keeps nothing, however many fail', () => {
    const missed = new MissedReplicas(keep, record, () => true);
    missed.failed(B);
    missed.failed(C);
    expect(kept).toEqual([]);
  });

  test('replicas that are not hintable (this node, a stand-in) are never kept', () => {
    const missed = new MissedReplicas(keep, record, (nodeId) => nodeId !== A);
    missed.failed(A);
    expect(missed.acknowledged()).toEqual([]);
    missed.failed(A);
    expect(kept).toEqual([]);
  });
});

/** Replicas in memory; `down` ones have no connection, `lateFailing` ones reject a write after `release()`. */
class Replicas {
  readonly local = new Map<string, LocalReplica>([A, B, C, D].map((id) => [id, new LocalReplica(id, new MemoryStore())]));
  readonly down = new Set<string>();
  readonly lateFailing = new Set<string>();
  /** Members membership holds dead: they stay targets (no stand-in) but are not hinted. */
  readonly dead = new Set<string>();
  #releases: (() => void)[] = [];

  isDown(nodeId: string): boolean {
    return this.dead.has(nodeId);
  }

  replica(nodeId: string): Replica | undefined {
    if (this.down.has(nodeId)) return undefined;
    const real = this.local.get(nodeId)!;
    if (!this.lateFailing.has(nodeId)) return real;
    const write = () => new Promise<ReplicaWriteAck>((_, reject) => this.#releases.push(() => reject(new SwarmError('unavailable', `${nodeId} timed out`))));
    return { ...real, nodeId, read: (key) => real.read(key), write, scan: (options) => real.scan(options) };
  }

  release(): void {
    for (const release of this.#releases.splice(0)) release();
  }
}

describe('a coordinator keeps hints for the replicas its acknowledged writes missed', () => {
  let replicas: Replicas;
  let kept: { nodeId: string; version: string }[];

  function coordinatorWith(targets: ReplicaTarget[]): Coordinator {
    const placement: Placement = { targetsFor: () => targets, writeTargetsFor: () => stableWriteTargets(targets), listing: () => ({ nodes: [A, B, C], rangeReplicas: [[A, B, C]] }) };
    const clock = new ManualClock(1_000_000);
    return new Coordinator({
      hlc: new HybridLogicalClock(A, clock),
      clock,
      placement,
      directory: replicas,
      readConsistency: 'quorum',
      writeConsistency: 'quorum',
      keepMissed: (nodeId, written) => void kept.push({ nodeId, version: written.version }),
    });
  }
  const homes = [{ nodeId: A }, { nodeId: B }, { nodeId: C }];

  beforeEach(() => {
    replicas = new Replicas();
    kept = [];
  });

  test('a replica without a connection: the write is acknowledged by the other two and kept as a hint for it, in the trace too', async () => {
    replicas.down.add(C);
    const trace = new RequestTrace(A);
    const written = await coordinatorWith(homes).put('k', '1', 'quorum', trace);
    expect(kept).toEqual([{ nodeId: C, version: written.result.version }]);
    expect(trace.report().steps.filter((step) => step.step === 'hint')).toEqual([expect.objectContaining({ nodeId: C })]);
  });

  test('a replica that fails after the client was answered is kept then', async () => {
    replicas.lateFailing.add(C);
    const written = await coordinatorWith(homes).put('k', '1', 'quorum');
    expect(kept).toEqual([]);
    replicas.release();
    await Bun.sleep(0);
    expect(kept).toEqual([{ nodeId: C, version: written.result.version }]);
  });

  test('a write refused for want of a quorum keeps nothing, before or after', async () => {
    replicas.down.add(B);
    replicas.lateFailing.add(C);
    const refused = coordinatorWith(homes).put('k', '1', 'all');
    replicas.release();
    expect(await refused.then(() => 'written', (error: SwarmError) => error.code)).toBe('insufficient_replicas');
    await Bun.sleep(0);
    expect(kept).toEqual([]);
  });

  test('a member held dead is not hinted: its return asks for an anti-entropy pass instead', async () => {
    replicas.down.add(C);
    replicas.dead.add(C);
    await coordinatorWith(homes).put('k', '1', 'quorum');
    await Bun.sleep(0);
    expect(kept).toEqual([]);
  });

  test('neither this node nor a stand-in (whose write was the hint) is hinted', async () => {
    replicas.down.add(D);
    replicas.local.get(A)!.write = () => Promise.reject(new SwarmError('insufficient_storage', 'disk full'));
    await coordinatorWith([{ nodeId: A }, { nodeId: B }, { nodeId: C }, { nodeId: D, standInFor: C }]).put('k', '1', 'one');
    await Bun.sleep(0);
    expect(kept).toEqual([]);
  });
});
