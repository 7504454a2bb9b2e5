// One anti-entropy comparison: this node and one co-replica, over one ring range. It walks a Merkle
// tree of the range computed on demand from both sides' DigestIndex: the range's digest first; where
// digests differ, the interval is cut in ANTI_ENTROPY_FANOUT children and their digests compared,
// level by level (one request per level, batched), until a differing interval is small enough on the
// peer's side to list. Only those leaves' (key, version) lists cross the wire; then each side gets the
// records it lacks or holds older: pulled with replicaRead and merged locally, pushed with replicaWrite.
// Both directions are safe because every replica keeps the newer version (last writer wins).

import { SwarmError } from '../errors';
import type { DigestSource, IndexedVersion, IntervalDigest } from './digest-index';
import {
  ANTI_ENTROPY_INTERVALS_PER_MESSAGE_MAX,
  ANTI_ENTROPY_KEYS_PER_MESSAGE_MAX,
  antiEntropyDigests,
  antiEntropyKeys,
  type AntiEntropyDigestRequestMessage,
  type AntiEntropyKeysRequestMessage,
} from './anti-entropy-messages';
import { CountingRequester } from './counting-requester';
import { intervalWidth, splitInterval, type PositionInterval } from './position-interval';
import { RemoteReplica, type PeerConnections, type ReplicaRequester } from './remote-replica';
import type { Replica } from './replica';
import { Semaphore } from './semaphore';
import { compareVersions } from '../version';

/** Children per split: 16 digests (about 700 bytes) per differing interval and level. */
export const ANTI_ENTROPY_FANOUT = 16;
/** A differing interval holding at most this many records on the peer is listed instead of split. */
export const ANTI_ENTROPY_LEAF_KEYS_MAX = 64;
/** 16 levels of a 16-way split reach single positions of the 64-bit ring. */
export const ANTI_ENTROPY_DEPTH_MAX = 16;
/** This node's own records considered per leaf (local work only); the rest wait for the next pass. */
export const ANTI_ENTROPY_LOCAL_LEAF_KEYS_MAX = 10_000;
/** Record pulls and pushes in flight at once within one comparison. */
export const ANTI_ENTROPY_EXCHANGES_IN_FLIGHT_MAX = 8;
/** One anti-entropy request: background work, so more patient than a quorum. */
export const ANTI_ENTROPY_REQUEST_TIMEOUT_MS = 5000;

export interface ComparisonDeps {
  readonly index: DigestSource;
  readonly local: Replica;
  readonly requester: ReplicaRequester;
  readonly connections: PeerConnections;
}

export interface ComparisonOutcome {
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly requests: number;
  readonly leavesDiffering: number;
  readonly keysPulled: number;
  readonly keysPushed: number;
  /** Records that changed a store: pulled into this node's or pushed into the peer's. */
  readonly keysRepaired: number;
  /** Some leaf held more than one pass handles; the next pass goes on with it. */
  readonly truncated: boolean;
}

const sameDigest = (a: IntervalDigest, b: IntervalDigest) => a.hash === b.hash && a.count === b.count;

function unexpected(peerId: string, type: string): SwarmError {
  return new SwarmError('unavailable', `replica ${peerId} answered ${type} to an anti-entropy request`);
}

class RangeComparison {
  readonly #deps: ComparisonDeps;
  readonly #peerId: string;
  readonly #counting: CountingRequester;
  readonly #remote: RemoteReplica;
  #truncated = false;
  #pulled = 0;
  #pushed = 0;
  #repaired = 0;

  constructor(deps: ComparisonDeps, peerId: string) {
    this.#deps = deps;
    this.#peerId = peerId;
    this.#counting = new CountingRequester(deps.requester);
    this.#remote = new RemoteReplica(peerId, this.#counting, deps.connections, ANTI_ENTROPY_REQUEST_TIMEOUT_MS);
  }

  async run(range: PositionInterval): Promise<ComparisonOutcome> {
    const leaves = await this.#differingLeaves(range);
    for (const leaf of leaves) await this.#reconcile(leaf);
    const counting = this.#counting;
    return {
      bytesSent: counting.bytesSent,
      bytesReceived: counting.bytesReceived,
      requests: counting.requests,
      leavesDiffering: leaves.length,
      keysPulled: this.#pulled,
      keysPushed: this.#pushed,
      keysRepaired: this.#repaired,
      truncated: this.#truncated,
    };
  }

  async #request(body: AntiEntropyDigestRequestMessage | AntiEntropyKeysRequestMessage) {
    return this.#counting.request(this.#peerId, body, { timeoutMs: ANTI_ENTROPY_REQUEST_TIMEOUT_MS });
  }

  /** Walks down from the range to the smallest intervals whose digests differ. */
  async #differingLeaves(range: PositionInterval): Promise<PositionInterval[]> {
    const leaves: PositionInterval[] = [];
    let frontier = [range];
    for (let depth = 0; frontier.length > 0; depth++) {
      const next: PositionInterval[] = [];
      for (let offset = 0; offset < frontier.length; offset += ANTI_ENTROPY_INTERVALS_PER_MESSAGE_MAX) {
        const batch = frontier.slice(offset, offset + ANTI_ENTROPY_INTERVALS_PER_MESSAGE_MAX);
        const remote = await this.#remoteDigests(batch);
        batch.forEach((interval, index) => {
          const theirs = remote[index]!;
          if (sameDigest(this.#deps.index.digest(interval), theirs)) return;
          const small = theirs.count <= ANTI_ENTROPY_LEAF_KEYS_MAX || intervalWidth(interval) <= BigInt(ANTI_ENTROPY_FANOUT);
          if (small || depth + 1 >= ANTI_ENTROPY_DEPTH_MAX) leaves.push(interval);
          else next.push(...splitInterval(interval, ANTI_ENTROPY_FANOUT));
        });
      }
      frontier = next;
    }
    return leaves;
  }

  async #remoteDigests(intervals: PositionInterval[]): Promise<IntervalDigest[]> {
    const answer = await this.#request({ type: 'antiEntropyDigestRequest', intervals });
    if (!antiEntropyDigests.is(answer)) throw unexpected(this.#peerId, answer.type);
    if (answer.digests.length !== intervals.length) throw new SwarmError('unavailable', `replica ${this.#peerId} answered ${answer.digests.length} digests for ${intervals.length} intervals`);
    return answer.digests;
  }

  async #remoteVersions(leaf: PositionInterval): Promise<IndexedVersion[]> {
    const answer = await this.#request({ type: 'antiEntropyKeysRequest', interval: leaf, limit: ANTI_ENTROPY_KEYS_PER_MESSAGE_MAX });
    if (!antiEntropyKeys.is(answer)) throw unexpected(this.#peerId, answer.type);
    if (answer.truncated) this.#truncated = true;
    return answer.entries;
  }

  /** Moves the newer record of every key the two sides disagree on, both ways. */
  async #reconcile(leaf: PositionInterval): Promise<void> {
    const theirs = new Map((await this.#remoteVersions(leaf)).map((entry) => [entry.key, entry.version]));
    const mine = this.#deps.index.versions(leaf, ANTI_ENTROPY_LOCAL_LEAF_KEYS_MAX + 1);
    if (mine.length > ANTI_ENTROPY_LOCAL_LEAF_KEYS_MAX) {
      this.#truncated = true;
      mine.length = ANTI_ENTROPY_LOCAL_LEAF_KEYS_MAX;
    }
    const pulls: string[] = [];
    const pushes: string[] = [];
    for (const { key, version } of mine) {
      const remote = theirs.get(key);
      theirs.delete(key);
      if (remote === undefined || compareVersions(version, remote) > 0) pushes.push(key);
      else if (compareVersions(version, remote) < 0) pulls.push(key);
    }
    pulls.push(...theirs.keys());
    const semaphore = new Semaphore(ANTI_ENTROPY_EXCHANGES_IN_FLIGHT_MAX);
    await Promise.all([...pulls.map((key) => semaphore.run(() => this.#pull(key))), ...pushes.map((key) => semaphore.run(() => this.#push(key)))]);
  }

  async #pull(key: string): Promise<void> {
    const record = await this.#remote.read(key);
    if (record === undefined) return;
    this.#pulled += 1;
    if ((await this.#deps.local.write(record)).applied) this.#repaired += 1;
  }

  async #push(key: string): Promise<void> {
    const record = await this.#deps.local.read(key);
    if (record === undefined) return;
    this.#pushed += 1;
    if ((await this.#remote.write(record)).applied) this.#repaired += 1;
  }
}

/** Compares one range with one co-replica and repairs both sides; rejects with a SwarmError if the peer fails. */
export function compareRange(deps: ComparisonDeps, peerId: string, range: PositionInterval): Promise<ComparisonOutcome> {
  return new RangeComparison(deps, peerId).run(range);
}
