// The layer between the HTTP routes and the data: every client operation is coordinated here, on
// whichever node received it (Dynamo, DeCandia et al. 2007). A write goes to the key's N replicas and is
// acknowledged after W of them; a read asks R and returns the newest version, writing it back to the
// stale replicas that answered (read repair). A standalone node is a cluster of one.
//
// Versions are hybrid-logical-clock timestamps. A blind write that meets a newer version on a replica
// (a concurrent writer, or this node's clock lagging) is re-versioned above it and sent again, so a
// write acknowledged to a client was the newest on W replicas when acknowledged.
//
// Create-if-absent and delete-if-present are a read, a check and a write: they run under a per-key lock
// (coordinator-key-locks.ts), so concurrent ones on this node see each other's outcome. Across different
// coordinators this is best effort, as everything in a BASE store is: see that module. Plain PUTs are
// blind writes and take no lock; they are the hot path.

import type { Clock } from '../clock';
import type { Consistency } from '../config';
import { SwarmError } from '../errors';
import { generateKey } from '../keys';
import { HLC_LOGICAL_MAX, GENERATED_KEY_ATTEMPTS_MAX, READ_HEDGE_DELAY_MS, REPLICA_QUORUM_DEADLINE_MS, WRITE_ATTEMPTS_MAX } from '../limits';
import { isTombstone, type StoredRecord } from '../storage';
import { compareVersions, formatVersion, parseVersion, type HybridLogicalClock } from '../version';
import { assert } from '../assert';
import { CoordinatorKeyLocks } from './coordinator-key-locks';
import { decodeCursor } from './list-cursor';
import { mergeListing, type ListPage } from './listing';
import { newestRecord } from './merge';
import { MissedReplicas, type KeepMissed } from './missed-replicas';
import { currentTargets, standInWrites, type Placement, type ReplicaDirectory, type ReplicaTarget } from './placement';
import { gatherJointQuorum, gatherNeeded, requiredAcks, type AskReason, type Reply } from './quorum';
import { ReadRepairer } from './read-repairer';
import type { ReplicaWriteAck, ReplicaWriteOptions } from './replica';
import type { RequestTrace } from './request-trace';
import { countsToward, standInsWithOwnCopy, writeQuorumGroups } from './write-quorum';

export interface ListRequest {
  readonly prefix: string;
  readonly limit: number;
  readonly cursor: string | undefined;
}

/** An operation's outcome and the replicas that answered for it (reported in response headers). */
export interface Coordinated<T> {
  readonly result: T;
  readonly replicas: string[];
}

export interface CoordinatorDeps {
  readonly hlc: HybridLogicalClock;
  readonly clock: Clock;
  readonly placement: Placement;
  readonly directory: ReplicaDirectory;
  readonly readConsistency: Consistency;
  readonly writeConsistency: Consistency;
  /**
   * Asked before each write is versioned: why this node must not version writes now, if it must not (its
   * clock is too far from its peers', clock-offset/). Versions are minted here and nowhere else.
   */
  readonly writeRefusal?: () => SwarmError | undefined;
  /**
   * What a write waits for before its first attempt, if anything: a node just started waits for its first
   * reading of a peer's clock, so that a wrong clock is refused before it versions anything.
   */
  readonly writeHold?: () => Promise<void> | undefined;
  /** Keeps a hint for a replica that failed a write its co-replicas acknowledged (missed-replicas.ts); none: no such hints. */
  readonly keepMissed?: KeepMissed;
}

export class Coordinator {
  readonly #deps: CoordinatorDeps;
  readonly #repairer: ReadRepairer;
  readonly #keyLocks = new CoordinatorKeyLocks();
  #newestObserved = '';

  constructor(deps: CoordinatorDeps) {
    this.#deps = deps;
    this.#repairer = new ReadRepairer(deps.directory);
  }

  /** The newest live record among R replicas; not_found when absent or deleted. */
  async get(key: string, consistency = this.#deps.readConsistency, trace?: RequestTrace): Promise<Coordinated<StoredRecord>> {
    const read = await this.#read(key, consistency, trace);
    if (read.result === undefined || isTombstone(read.result)) throw notFound(key);
    return { result: read.result, replicas: read.replicas };
  }

  /** Creates or replaces a key's value. */
  put(key: string, valueJson: string, consistency = this.#deps.writeConsistency, trace?: RequestTrace): Promise<Coordinated<StoredRecord>> {
    return this.#write(key, valueJson, consistency, {}, trace);
  }

  /** Creates a key that must not exist (a deleted key counts as absent); conflict otherwise. */
  create(key: string, valueJson: string, consistency = this.#deps.writeConsistency, trace?: RequestTrace): Promise<Coordinated<StoredRecord>> {
    return this.#keyLocks.withKey(key, async () => {
      const read = await this.#read(key, consistency, trace);
      if (read.result !== undefined && !isTombstone(read.result)) throw new SwarmError('conflict', `the key ${JSON.stringify(key)} already exists`, { key });
      return this.#write(key, valueJson, consistency, {}, trace);
    });
  }

  /** Creates a value under a fresh, unique key that fits `keyBytesMax` (see generateKey). */
  async createWithGeneratedKey(valueJson: string, keyBytesMax: number, consistency = this.#deps.writeConsistency, trace?: RequestTrace): Promise<Coordinated<StoredRecord>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.create(generateKey(keyBytesMax), valueJson, consistency, trace);
      } catch (error) {
        if (!(error instanceof SwarmError && error.code === 'conflict') || attempt >= GENERATED_KEY_ATTEMPTS_MAX) throw error;
      }
    }
  }

  /** Deletes a live key by writing a tombstone; not_found when there is nothing live to delete. */
  delete(key: string, consistency = this.#deps.writeConsistency, trace?: RequestTrace): Promise<Coordinated<StoredRecord>> {
    return this.#keyLocks.withKey(key, async () => {
      const read = await this.#read(key, consistency, trace);
      if (read.result === undefined || isTombstone(read.result)) throw notFound(key);
      return this.#write(key, null, consistency, {}, trace);
    });
  }

  /**
   * Replaces (valueJson) or deletes (null) a key only if its newest live version is `expected`, or, for
   * `*`, if it has any live version; precondition_failed otherwise, writing nothing. The new version is
   * above `expected` whatever this node's clock says, so it supersedes what the client read. Checked
   * against a quorum read under this node's key lock: conditional writes through different coordinators
   * at the same moment can both pass the check (BASE); the higher version then wins on every replica.
   */
  writeIfVersion(key: string, valueJson: string | null, expected: string, consistency = this.#deps.writeConsistency, trace?: RequestTrace): Promise<Coordinated<StoredRecord>> {
    return this.#keyLocks.withKey(key, async () => {
      const current = (await this.#read(key, consistency, trace)).result;
      const live = current !== undefined && !isTombstone(current);
      if (!live || (expected !== ANY_VERSION && current.version !== expected)) throw preconditionFailed(key, expected, live ? current.version : null);
      return this.#write(key, valueJson, consistency, { floorVersion: current.version, conditional: true }, trace);
    });
  }

  /**
   * A page of live keys across every node's store, in key order, without duplicates. A node that does
   * not answer is left out, as long as every range of the ring still has a replica that answered;
   * otherwise the page could silently miss keys, and it is refused (insufficient_replicas) instead.
   */
  async list(request: ListRequest): Promise<ListPage> {
    const afterKey = request.cursor === undefined ? undefined : decodeCursor(request.cursor, request.prefix);
    const plan = this.#deps.placement.listing();
    const scans = plan.nodes.map(async (nodeId) => {
      const replica = this.#deps.directory.replica(nodeId);
      if (replica === undefined) return undefined;
      return replica.scan({ prefix: request.prefix, afterKey, limit: request.limit, includeTombstones: true }).then(
        (page) => ({ nodeId, page }),
        () => undefined,
      );
    });
    const answered = (await Promise.all(scans)).filter((scan) => scan !== undefined);
    const heard = new Set(answered.map((scan) => scan.nodeId));
    const unheard = plan.rangeReplicas.filter((replicas) => !replicas.some((nodeId) => heard.has(nodeId))).length;
    if (unheard > 0) {
      throw new SwarmError('insufficient_replicas', `no replica of ${unheard} of the ring's ${plan.rangeReplicas.length} ranges answered the listing, which would miss their keys; retry when more members are up`, {
        rangesUnheard: unheard,
        ranges: plan.rangeReplicas.length,
      });
    }
    return mergeListing(
      answered.map((scan) => scan.page),
      request.limit,
    );
  }

  async #read(key: string, consistency: Consistency, trace?: RequestTrace): Promise<Coordinated<StoredRecord | undefined>> {
    // Pending owners (joining nodes) may not hold the key yet: reads ask the current ring only.
    const targets = currentTargets(this.#deps.placement.targetsFor(key));
    const readFrom = (nodeId: string) => this.#replica(nodeId).read(key);
    const read = trace === undefined ? readFrom : (nodeId: string, reason?: AskReason) => trace.read(nodeId, reason, () => readFrom(nodeId));
    if (targets.length === 1) {
      // One replica (a standalone node): nothing to gather, repair or wait for.
      const only = targets[0]!.nodeId;
      trace?.placed('read', targets, [{ counts: () => true, needed: 1 }]);
      return { result: await this.#readOne(only, read, trace), replicas: [only] };
    }
    // At `one`, a node that is itself a home replica of the key answers from its own store: one reply
    // is all the client asked for, and asking the other replicas too would cost them a read each
    // (measured: a cluster GET at `one` cost as much CPU as one at `quorum`). Anti-entropy, not read
    // repair, then keeps such keys converged.
    const self = this.#deps.hlc.nodeId;
    if (consistency === 'one' && targets.some((target) => target.nodeId === self && target.standInFor === undefined)) {
      trace?.placed('read', targets, [{ counts: (nodeId) => nodeId === self, needed: 1 }]);
      return { result: await this.#readOne(self, read, trace), replicas: [self] };
    }
    // Only R replicas are asked, this node's own store first, one that answers slowly last: the others
    // are asked on a failure or after READ_HEDGE_DELAY_MS (see gatherNeeded), so R, not N, sets what a
    // read costs the cluster.
    const counts = countsToward(consistency, targets);
    const needed = requiredAcks(consistency, targets.length);
    const directory = this.#deps.directory;
    const slow = (nodeId: string) => nodeId !== self && directory.answersSlowly?.(nodeId, targets) === true;
    trace?.placed('read', targets, [{ counts, needed }], slow);
    const { replies } = await gatherNeeded(readOrder(targets, self, counts, slow), needed, REPLICA_QUORUM_DEADLINE_MS, read, {
      counts,
      hedgeAfterMs: READ_HEDGE_DELAY_MS,
    });
    const newest = newestRecord(replies.map((reply) => reply.value));
    trace?.quorum(replies.length, needed, newest?.version ?? null);
    if (newest !== undefined) {
      this.#observe(newest.version);
      const repaired = this.#repairer.repairStale(newest, replies, standInWrites(targets));
      if (repaired !== undefined) trace?.repaired(repaired, newest.version);
    }
    return { result: newest, replicas: replies.map((reply) => reply.nodeId) };
  }

  async #write(key: string, valueJson: string | null, consistency: Consistency, options: WriteOptions = {}, trace?: RequestTrace): Promise<Coordinated<StoredRecord>> {
    let floor = options.floorVersion;
    const hold = this.#deps.writeHold?.();
    if (hold !== undefined) await hold;
    for (let attempt = 1; ; attempt++) {
      const refusal = this.#deps.writeRefusal?.();
      if (refusal !== undefined) throw refusal;
      // Placed afresh on every attempt, so no attempt routes by a ring older than its own start: a
      // joiner's wait for writes in flight (ring-join.ts) is then one attempt's deadline, not all of them.
      // While the ring changes, W of every ring of interest, not only of the current one (write-quorum.ts).
      const { targets, jointSets } = this.#deps.placement.writeTargetsFor(key);
      const groups = writeQuorumGroups(consistency, targets, jointSets);
      // A stand-in keeps the record as a hint for the replica it covers for (hinted handoff), and its
      // own copy too if a joint ring counts on it (standInsWithOwnCopy).
      const hinted = standInWrites(targets);
      const ownCopyToo = standInsWithOwnCopy(targets, jointSets);
      const record: StoredRecord = { key, valueJson, version: this.#versionAbove(floor), updatedAtMs: this.#deps.clock.nowMs() };
      trace?.placed('write', targets, groups);
      trace?.versioned(record.version, floor);
      // No connection to the replica throws here, which the gather counts as that replica failing.
      const writeTo = (nodeId: string, hint: ReplicaWriteOptions | undefined) =>
        trace === undefined ? this.#replica(nodeId).write(record, hint) : trace.write(nodeId, hint, () => this.#replica(nodeId).write(record, hint));
      const write = (nodeId: string) => {
        const hint = hinted.get(nodeId);
        if (hint === undefined || !ownCopyToo.has(nodeId)) return writeTo(nodeId, hint);
        // The own copy's acknowledgement is the one that can report a newer version in that store.
        return Promise.all([writeTo(nodeId, undefined), writeTo(nodeId, hint)]).then(([own]) => own);
      };
      // An attempt that fails or is superseded is never acknowledged to `missed`, so it hints nothing.
      const missed = this.#missedReplicas(record, targets, hinted);
      const { replies } = await gatherJointQuorum(targets, groups, REPLICA_QUORUM_DEADLINE_MS, write, missed?.failed);
      trace?.quorum(replies.length, groups[0]!.needed);
      const newer = newerVersionSeen(record, replies);
      if (newer === undefined) {
        const hintedNow = missed?.acknowledged();
        if (hintedNow !== undefined && hintedNow.length > 0) trace?.hintedMissed(hintedNow);
        return { result: record, replicas: replies.map((reply) => reply.nodeId) };
      }
      trace?.superseded(newer);
      this.#observe(newer);
      // The next attempt is versioned above what the replicas hold, even if our clock cannot adopt it.
      floor = newer;
      // A conditional write that meets a newer version lost a race: the precondition no longer holds.
      if (options.conditional) throw preconditionFailed(key, options.floorVersion ?? ANY_VERSION, newer);
      if (attempt >= WRITE_ATTEMPTS_MAX) {
        throw new SwarmError('conflict', `concurrent writes to ${JSON.stringify(key)} kept superseding this one; retry`, { key });
      }
    }
  }

  /** A read answered by one replica alone (a standalone node, or this node's own store at `one`). */
  async #readOne(nodeId: string, read: (nodeId: string) => Promise<StoredRecord | undefined>, trace: RequestTrace | undefined): Promise<StoredRecord | undefined> {
    const result = await read(nodeId);
    trace?.quorum(1, 1, result?.version ?? null);
    return result;
  }

  /** A fresh version from the clock, and above `floor` (a version this write must supersede) if given. */
  #versionAbove(floor: string | undefined): string {
    const fresh = this.#deps.hlc.nowVersion();
    if (floor === undefined || fresh > floor) return fresh;
    this.#observe(floor);
    const above = this.#deps.hlc.nowVersion();
    return above > floor ? above : successorVersion(floor, this.#deps.hlc.nodeId);
  }

  /** The failures of one write attempt to remember for hints, when this node keeps such hints. */
  #missedReplicas(record: StoredRecord, targets: readonly ReplicaTarget[], standIns: ReadonlyMap<string, unknown>): MissedReplicas | undefined {
    const keep = this.#deps.keepMissed;
    if (keep === undefined) return undefined;
    const self = this.#deps.hlc.nodeId;
    // Held dead as the attempt starts, not when its failure comes: a write sent to a live replica that
    // times out after the replica is declared dead (a partition: the suspicion ends before the request's
    // deadline) is still hinted, while a member dead all along is left to the pass its return asks for.
    // (Nothing allocated when no target is down, the case of every write in a healthy cluster.)
    let downAtStart: Set<string> | undefined;
    for (const target of targets) if (this.#deps.directory.isDown?.(target.nodeId) === true) (downAtStart ??= new Set()).add(target.nodeId);
    return new MissedReplicas(keep, record, (nodeId) => nodeId !== self && !standIns.has(nodeId) && downAtStart?.has(nodeId) !== true);
  }

  #replica(nodeId: string) {
    const replica = this.#deps.directory.replica(nodeId);
    if (replica === undefined) throw new SwarmError('unavailable', `no connection to replica ${nodeId}`);
    return replica;
  }

  /** Folds a version seen on a replica into our clock, unless it is implausibly far ahead. */
  #observe(version: string): void {
    // Versions compare as strings: one no newer than the newest already folded in changes nothing.
    if (version <= this.#newestObserved) return;
    this.#newestObserved = version;
    try {
      this.#deps.hlc.receive(version);
    } catch {
      // A version from a node with a wild clock: we still order by it, but do not adopt its clock.
    }
  }
}

function newerVersionSeen(record: StoredRecord, replies: Reply<ReplicaWriteAck>[]): string | undefined {
  let newest: string | undefined;
  for (const { value } of replies) {
    if (!value.applied && compareVersions(value.version, record.version) > 0 && (newest === undefined || compareVersions(value.version, newest) > 0)) newest = value.version;
  }
  return newest;
}

/**
 * The order a read asks replicas in: this node's own store first (no network, no codec), then the other
 * replicas that count toward the quorum, those answering slowly last of them (replica-latency.ts),
 * then those that do not count (stand-ins at `quorum` and `all`), so that the first R asked can make
 * the quorum and a failed one is replaced by one that counts.
 */
function readOrder(targets: readonly ReplicaTarget[], self: string, counts: (nodeId: string) => boolean, slow: (nodeId: string) => boolean): ReplicaTarget[] {
  // Passes, not a sort: a read's handful of targets, and Array#sort allocates a work array per call.
  // `slow` is cheap when nothing is slow (replica-latency.ts): asking it twice beats a second array.
  const ordered: ReplicaTarget[] = [];
  for (const target of targets) if (target.nodeId === self && counts(target.nodeId)) ordered.push(target);
  for (const target of targets) if (target.nodeId !== self && counts(target.nodeId) && !slow(target.nodeId)) ordered.push(target);
  for (const target of targets) if (target.nodeId !== self && counts(target.nodeId) && slow(target.nodeId)) ordered.push(target);
  for (const target of targets) if (!counts(target.nodeId)) ordered.push(target);
  return ordered;
}

interface WriteOptions {
  /** The new version must be above this one. */
  readonly floorVersion?: string;
  /** A conditional write: meeting a newer version fails it instead of re-versioning it. */
  readonly conditional?: boolean;
}

/** `If-Match: *`: any live version will do. */
export const ANY_VERSION = '*';

/**
 * The least version above `floor` that this node can write: the same wall time, one more logical tick.
 * Used when `floor` comes from a node whose clock is too far ahead for our clock to adopt.
 */
function successorVersion(floor: string, nodeId: string): string {
  const parsed = parseVersion(floor);
  assert(parsed !== undefined, 'a stored version parses');
  const { wallMs, logical } = parsed;
  return logical < HLC_LOGICAL_MAX ? formatVersion({ wallMs, logical: logical + 1, nodeId }) : formatVersion({ wallMs: wallMs + 1, logical: 0, nodeId });
}

function preconditionFailed(key: string, expected: string, current: string | null): SwarmError {
  return new SwarmError('precondition_failed', `${JSON.stringify(key)} is not at version ${expected}`, { key, expected, current });
}

function notFound(key: string): SwarmError {
  return new SwarmError('not_found', `no value for key ${JSON.stringify(key)}`, { key });
}

export type { ListPage, ReplicaTarget };
