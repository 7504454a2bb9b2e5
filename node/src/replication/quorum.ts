// Quorum arithmetic and the scatter-gather that waits for it (Dynamo, DeCandia et al. 2007, §4.5):
// a write goes to every replica at once, a read only to as many as it needs (more on a failure or once
// the hedge delay passes), and either completes as soon as `needed` of them succeed. It fails
// fast, as soon as too many have failed for success to remain possible, or when the deadline passes, so
// a client on the wrong side of a partition gets a 503 quickly instead of hanging. While the ring
// changes, a write must meet a quorum in several replica sets at once (a joint quorum, as in Raft's
// joint consensus and Cassandra's pending-range writes): see QuorumGroup.

import { SwarmError } from '../errors';

import { CONSISTENCY_LEVELS, type Consistency } from '../config';

export type { Consistency };
export { CONSISTENCY_LEVELS };

export function isConsistency(text: unknown): text is Consistency {
  return typeof text === 'string' && (CONSISTENCY_LEVELS as readonly string[]).includes(text);
}

/** Acknowledgements needed out of `replicaCount`: 1, a strict majority, or all. */
export function requiredAcks(consistency: Consistency, replicaCount: number): number {
  if (consistency === 'one') return Math.min(1, replicaCount);
  if (consistency === 'all') return replicaCount;
  return Math.floor(replicaCount / 2) + 1;
}

export interface Reply<T> {
  readonly nodeId: string;
  readonly value: T;
}

export interface QuorumResult<T> {
  readonly replies: Reply<T>[];
  /** Node ids that failed before the quorum was reached (the rest may still be in flight). */
  readonly failed: string[];
}

/**
 * One condition a gather must meet: `needed` successful replies from targets that `counts` accepts. A
 * plain quorum is one group; a joint quorum (a write while the ring changes) is one group per ring of
 * interest, and is met only when every group is.
 */
export interface QuorumGroup {
  readonly counts: (nodeId: string) => boolean;
  readonly needed: number;
}

/** How a gather contacts its targets. */
export interface GatherOptions {
  /** Whose replies count toward `needed` (all by default); see gatherQuorum. */
  readonly counts?: (nodeId: string) => boolean;
  /**
   * Unset: every target is contacted at once (writes, which must reach every replica). Set: only as
   * many targets as are needed are contacted first, in the order given, then one more for each that
   * fails, and every one left once this many milliseconds pass without the quorum (a hedge against a
   * slow replica, well inside the deadline, so availability is what contacting all would give).
   */
  readonly hedgeAfterMs?: number;
}

const COUNTS_EVERY_REPLY = () => true;

/**
 * Why a replica was asked, beyond the plain case: `hedge`, a read's answers were late (none in
 * `hedgeAfterMs`), so the replicas not asked yet were; `replacement`, an asked replica failed and this
 * one stands for it. Traces show it (request-trace.ts).
 */
export type AskReason = 'hedge' | 'replacement';

/** An operation on one replica; `reason` is undefined for a replica asked from the start. */
export type ReplicaOperation<T> = (nodeId: string, reason?: AskReason) => Promise<T>;

/**
 * `counts` says whose replies count toward `needed` (all by default): a stand-in's reply is gathered
 * and returned like any other, but the coordinator may not let it make up a quorum.
 */
export function gatherQuorum<T>(
  targets: readonly { nodeId: string }[],
  needed: number,
  deadlineMs: number,
  operation: ReplicaOperation<T>,
  counts: (nodeId: string) => boolean = COUNTS_EVERY_REPLY,
): Promise<QuorumResult<T>> {
  return gather(targets, [{ counts, needed }], deadlineMs, operation, undefined);
}

/**
 * A write's gather under several conditions at once (see QuorumGroup): every target is contacted, and
 * the gather succeeds once every group has its replies, fails as soon as any group can no longer.
 */
export function gatherJointQuorum<T>(
  targets: readonly { nodeId: string }[],
  groups: readonly QuorumGroup[],
  deadlineMs: number,
  operation: ReplicaOperation<T>,
  onFailed?: (nodeId: string) => void,
): Promise<QuorumResult<T>> {
  return gather(targets, groups, deadlineMs, operation, undefined, onFailed);
}

/**
 * A read's gather: contacts only the targets it needs, in the order given (the caller puts its own
 * store first), and the others on a failure or after `hedgeAfterMs`. Reading R replicas instead of N
 * is what makes R matter for cost and not only for when the client is answered.
 */
export function gatherNeeded<T>(
  targets: readonly { nodeId: string }[],
  needed: number,
  deadlineMs: number,
  operation: ReplicaOperation<T>,
  options: GatherOptions & { readonly hedgeAfterMs: number },
): Promise<QuorumResult<T>> {
  return gather(targets, [{ counts: options.counts ?? COUNTS_EVERY_REPLY, needed }], deadlineMs, operation, options.hedgeAfterMs);
}

/** A group's running count during one gather. */
interface Tally {
  readonly group: QuorumGroup;
  readonly countable: number;
  counted: number;
  failed: number;
}

/** `onFailed` is told of every contacted replica that fails, before or after the gather settled (a write's missed copies). */
function gather<T>(
  targets: readonly { nodeId: string }[],
  groups: readonly QuorumGroup[],
  deadlineMs: number,
  operation: ReplicaOperation<T>,
  hedgeAfterMs: number | undefined,
  onFailed?: (nodeId: string) => void,
): Promise<QuorumResult<T>> {
  return new Promise((resolve, reject) => {
    const replies: Reply<T>[] = [];
    const failed: string[] = [];
    const tallies: Tally[] = groups.map((group) => ({ group, countable: targets.filter((target) => group.counts(target.nodeId)).length, counted: 0, failed: 0 }));
    // The hedged read path has a single group: it contacts until that group could be met.
    const first = groups[0]!;
    let contacted = 0;
    let contactedCounting = 0;
    let settled = false;
    let hedge: ReturnType<typeof setTimeout> | undefined;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(hedge);
      outcome();
    };
    let storageFull: SwarmError | undefined;
    // A replica whose store is full says so (507), rather than as one more replica that did not answer.
    const insufficient = () => storageFull ?? insufficientIn(tallies);
    const timer = setTimeout(() => finish(() => reject(insufficient())), deadlineMs);
    // Groups still short of their replies: the gather succeeds when none is left.
    let short = tallies.filter((tally) => tally.group.needed > 0).length;
    const doomed = () => tallies.some((tally) => tally.countable - tally.failed < tally.group.needed);
    // Once too many have failed for success to remain possible, wait only for the replicas still in
    // flight (bounded by the deadline), so the error reports how many were actually reached.
    const settleIfDoomed = () => {
      if (doomed() && replies.length + failed.length === contacted) finish(() => reject(insufficient()));
    };
    const contact = (target: { nodeId: string }, reason?: AskReason) => {
      contacted++;
      if (first.counts(target.nodeId)) contactedCounting++;
      started(operation, target.nodeId, reason).then(
        (value) => {
          replies.push({ nodeId: target.nodeId, value });
          for (const tally of tallies) if (tally.group.counts(target.nodeId) && ++tally.counted === tally.group.needed) short--;
          if (short === 0) finish(() => resolve({ replies: [...replies], failed: [...failed] }));
          else settleIfDoomed();
        },
        (error: unknown) => {
          if (error instanceof SwarmError && error.code === 'insufficient_storage') storageFull = error;
          failed.push(target.nodeId);
          onFailed?.(target.nodeId);
          for (const tally of tallies) if (tally.group.counts(target.nodeId)) tally.failed++;
          // A failed replica is replaced by the next target not yet contacted, if one can still help.
          if (!settled && !doomed() && contacted < targets.length) contact(targets[contacted]!, 'replacement');
          settleIfDoomed();
        },
      );
    };
    if (short === 0) return finish(() => resolve({ replies, failed }));
    if (tallies.some((tally) => tally.countable < tally.group.needed)) return finish(() => reject(insufficient()));
    if (hedgeAfterMs === undefined) {
      for (const target of targets) contact(target);
      return;
    }
    while (!settled && contactedCounting < first.needed && contacted < targets.length) contact(targets[contacted]!);
    hedge = setTimeout(() => {
      while (!settled && contacted < targets.length) contact(targets[contacted]!, 'hedge');
    }, hedgeAfterMs);
  });
}

/** The error for a gather that fell short: how many replies the first group short of its own got. */
function insufficientIn(tallies: readonly Tally[]): SwarmError {
  const lacking = tallies.find((tally) => tally.counted < tally.group.needed) ?? tallies[0]!;
  return insufficientReplicas(lacking.counted, lacking.group.needed);
}

/** An operation that throws at once (no connection to that replica) counts as that replica failing. */
function started<T>(operation: ReplicaOperation<T>, nodeId: string, reason: AskReason | undefined): Promise<T> {
  try {
    return operation(nodeId, reason);
  } catch (error) {
    return Promise.reject(error);
  }
}

function insufficientReplicas(reached: number, needed: number): SwarmError {
  return new SwarmError('insufficient_replicas', `${reached} of the ${needed} replica acknowledgements needed arrived`, { needed, reached });
}
