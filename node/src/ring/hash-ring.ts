// Consistent hashing with virtual nodes, as in DeCandia et al., "Dynamo: Amazon's Highly Available
// Key-value Store" (SOSP 2007), sections 4.2 to 4.6. Each member places `tokens` virtual nodes on a
// 64-bit ring; a key belongs to the first token at or clockwise after its position, and its preference
// list is the first N distinct members met walking clockwise from there.
//
// Deviations from the paper: token positions are derived from (node id, token index) instead of being
// chosen at random and gossiped, so any node computes the same ring from the member set alone; and the
// sloppy quorum (section 4.6) is computed here, from a health predicate, rather than by the coordinator.

import { assert } from '../assert';
import { TOKENS_PER_NODE_DEFAULT, TOKENS_PER_NODE_MAX } from '../limits';
import { keyPosition, tokenPosition } from './ring-position';
import { ringDigest } from './ring-digest';

export interface RingMember {
  readonly nodeId: string;
  /** Virtual nodes of this member; the ring's `tokensPerNode` when absent. More tokens, more keys. */
  readonly tokens?: number;
}

/** Where a write for a key goes: a node, and the intended replica it stands in for if it is not one. */
export interface ReplicaTarget {
  readonly nodeId: string;
  /** Set on a stand-in (sloppy quorum): the unhealthy intended replica whose copy it holds as a hint. */
  readonly standInFor?: string;
}

/** The keys whose positions lie in (start, end], wrapping past the top when end <= start. */
export interface RingRange {
  readonly start: string;
  readonly end: string;
  /** Node ids holding the range, in preference order. */
  readonly replicas: string[];
}

export class HashRing {
  readonly tokensPerNode: number;
  /** Members sorted by node id, each with its token count resolved. */
  readonly members: readonly Required<RingMember>[];
  /** Hash of the sorted member set and token counts: equal digests mean identical rings. */
  readonly digest: string;
  /** Token positions, ascending, and the member owning each (parallel arrays). */
  readonly #positions: string[];
  readonly #owners: string[];
  /**
   * Per token index, the first `n` distinct owners from it as targets, computed on first use, so that
   * targetsAt's common case (every intended replica healthy) copies a short array instead of walking
   * the ring and building four. For one `n` at a time (a node asks with one replication factor).
   */
  #intended: { n: number; byToken: (readonly ReplicaTarget[] | undefined)[] } = { n: 0, byToken: [] };

  /** `sorted` (internal, from `withChange`): the tokens already placed and sorted, not to be recomputed. */
  constructor(members: readonly RingMember[], tokensPerNode: number = TOKENS_PER_NODE_DEFAULT, sorted?: { positions: string[]; owners: string[] }) {
    assertTokens(tokensPerNode);
    const resolved = members.map((member) => ({ nodeId: member.nodeId, tokens: member.tokens ?? tokensPerNode }));
    resolved.sort((a, b) => compareText(a.nodeId, b.nodeId));
    for (const [index, member] of resolved.entries()) {
      assert(member.nodeId.length > 0, 'ring member node ids are non-empty');
      assert(index === 0 || resolved[index - 1]!.nodeId !== member.nodeId, `ring member ${member.nodeId} appears once`);
      assertTokens(member.tokens);
    }
    const tokens = sorted ?? sortedTokens(resolved);
    this.tokensPerNode = tokensPerNode;
    this.members = resolved;
    this.digest = ringDigest(resolved);
    this.#positions = tokens.positions;
    this.#owners = tokens.owners;
  }

  /**
   * This ring with members added (at `tokensPerNode` each) and removed, equal to building it afresh:
   * the kept tokens are already in order, so only the added members' are hashed, sorted and merged in.
   * What-if predictions build dozens of such rings per question.
   */
  withChange(added: readonly string[], removed: readonly string[]): HashRing {
    const gone = new Set(removed);
    const kept = this.members.filter((member) => !gone.has(member.nodeId));
    const joining = added.map((nodeId) => ({ nodeId, tokens: this.tokensPerNode }));
    const fresh = sortedTokens(joining);
    const positions: string[] = [];
    const owners: string[] = [];
    let from = 0;
    for (let index = 0; index <= this.#positions.length; index++) {
      const position = this.#positions[index];
      const owner = this.#owners[index];
      while (from < fresh.positions.length && (position === undefined || compareText(fresh.positions[from]!, position) < 0 || (fresh.positions[from] === position && compareText(fresh.owners[from]!, owner!) < 0))) {
        positions.push(fresh.positions[from]!);
        owners.push(fresh.owners[from]!);
        from++;
      }
      if (position === undefined || gone.has(owner!)) continue;
      positions.push(position);
      owners.push(owner!);
    }
    return new HashRing([...kept, ...joining], this.tokensPerNode, { positions, owners });
  }

  get size(): number {
    return this.members.length;
  }

  get tokenCount(): number {
    return this.#positions.length;
  }

  has(nodeId: string): boolean {
    return this.members.some((member) => member.nodeId === nodeId);
  }

  /** The intended replicas of a key: the first min(n, members) distinct members clockwise from it. */
  preferenceList(key: string, n: number): string[] {
    return this.preferenceListAt(keyPosition(key), n);
  }

  /** As `preferenceList`, for a position (16 hex digits) rather than a key. */
  preferenceListAt(position: string, n: number): string[] {
    assertReplicaCount(n);
    if (this.#positions.length === 0) return [];
    return this.#distinctFrom(this.#tokenIndexAt(position), Math.min(n, this.members.length));
  }

  /**
   * Sloppy quorum (Dynamo 4.6): the first n healthy members walking clockwise from the key. Each
   * unhealthy member among the n intended replicas is covered by the next healthy member beyond them,
   * in walk order, and that stand-in says whom it covers for, so hinted handoff can return the copy.
   * Fewer than n targets come back when fewer than n members are healthy.
   */
  targetsFor(key: string, n: number, isHealthy: (nodeId: string) => boolean): ReplicaTarget[] {
    return this.targetsAt(keyPosition(key), n, isHealthy);
  }

  targetsAt(position: string, n: number, isHealthy: (nodeId: string) => boolean): ReplicaTarget[] {
    assertReplicaCount(n);
    if (this.#positions.length === 0) return [];
    const start = this.#tokenIndexAt(position);
    const intendedTargets = this.#intendedTargets(start, n);
    if (allHealthy(intendedTargets, isHealthy)) return intendedTargets.slice();
    const wanted = intendedTargets.length;
    const walk = this.#distinctFrom(start, this.members.length);
    const intended = walk.slice(0, wanted);
    const uncovered = intended.filter((nodeId) => !isHealthy(nodeId));
    const targets: ReplicaTarget[] = intended.filter((nodeId) => !uncovered.includes(nodeId)).map((nodeId) => ({ nodeId }));
    for (const nodeId of walk.slice(wanted)) {
      const covered = uncovered.shift();
      if (covered === undefined) break;
      if (isHealthy(nodeId)) targets.push({ nodeId, standInFor: covered });
      else uncovered.unshift(covered);
    }
    return targets;
  }

  /**
   * Every token range with its n replicas, clockwise from the lowest position. Adjacent ranges with the
   * same replicas are merged, so a one-member ring is a single range whose start equals its end.
   */
  ranges(n: number): RingRange[] {
    assertReplicaCount(n);
    const count = this.#positions.length;
    const ranges: RingRange[] = [];
    for (let index = 0; index < count; index++) {
      const replicas = this.#distinctFrom(index, Math.min(n, this.members.length));
      const start = this.#positions[(index + count - 1) % count]!;
      const previous = ranges[ranges.length - 1];
      if (previous && sameList(previous.replicas, replicas)) ranges[ranges.length - 1] = { ...previous, end: this.#positions[index]! };
      else ranges.push({ start, end: this.#positions[index]!, replicas });
    }
    const first = ranges[0];
    const last = ranges[ranges.length - 1];
    if (ranges.length > 1 && first && last && sameList(first.replicas, last.replicas)) {
      ranges[0] = { ...first, start: last.start };
      ranges.pop();
    }
    return ranges;
  }

  /** Index of the first token at or after `position`, wrapping to 0 past the top. */
  #tokenIndexAt(position: string): number {
    let low = 0;
    let high = this.#positions.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#positions[middle]! < position) low = middle + 1;
      else high = middle;
    }
    return low === this.#positions.length ? 0 : low;
  }

  /** The intended replicas from token `start` as targets (see #intended). */
  #intendedTargets(start: number, n: number): readonly ReplicaTarget[] {
    // Filled with undefined up front: an array grown by stores out of order turns sparse, and slow.
    if (this.#intended.n !== n) this.#intended = { n, byToken: new Array<readonly ReplicaTarget[] | undefined>(this.#positions.length).fill(undefined) };
    const cached = this.#intended.byToken[start];
    if (cached !== undefined) return cached;
    const targets: readonly ReplicaTarget[] = this.#distinctFrom(start, Math.min(n, this.members.length)).map((nodeId) => ({ nodeId }));
    this.#intended.byToken[start] = targets;
    return targets;
  }

  /** The first `count` distinct owners walking clockwise from token `start` (one lap at most). */
  #distinctFrom(start: number, count: number): string[] {
    const found: string[] = [];
    const total = this.#positions.length;
    for (let step = 0; step < total && found.length < count; step++) {
      const owner = this.#owners[(start + step) % total]!;
      if (!found.includes(owner)) found.push(owner);
    }
    return found;
  }
}

/** Every member's tokens, ascending by position. */
function sortedTokens(members: readonly Required<RingMember>[]): { positions: string[]; owners: string[] } {
  const tokens = members.flatMap((member) => Array.from({ length: member.tokens }, (_, index) => ({ position: tokenPosition(member.nodeId, index), owner: member.nodeId })));
  // Two tokens on one 64-bit position are astronomically unlikely; ordering ties by owner keeps even
  // that case identical on every node.
  tokens.sort((a, b) => compareText(a.position, b.position) || compareText(a.owner, b.owner));
  return { positions: tokens.map((token) => token.position), owners: tokens.map((token) => token.owner) };
}

function allHealthy(targets: readonly ReplicaTarget[], isHealthy: (nodeId: string) => boolean): boolean {
  for (const target of targets) if (!isHealthy(target.nodeId)) return false;
  return true;
}

function assertTokens(tokens: number): void {
  assert(Number.isInteger(tokens) && tokens >= 1 && tokens <= TOKENS_PER_NODE_MAX, `tokens per node is 1..${TOKENS_PER_NODE_MAX}, got ${tokens}`);
}

function assertReplicaCount(n: number): void {
  assert(Number.isInteger(n) && n >= 1, `replica count is a positive integer, got ${n}`);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
