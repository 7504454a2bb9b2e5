// A node leaving its cluster for good (`swarmkv leave`, POST /cluster/leave): Cassandra's decommission,
// done with the hand-over a stopping node already uses (departure-handover.ts), so that nothing it
// holds is lost and no quorum read misses a write while the ring changes.
//
//   1. streaming: the node stays an owner (reads and quorums still count it; where the cluster knows
//      ring states it is gossiped `leaving`, so writes also reach the nodes that will own its ranges).
//      It sends every record it holds, tombstones included, and every hint, to the key's replicas in
//      the ring without it, each record acknowledged by every one of them; its gate remembers the keys
//      written meanwhile.
//   2. finishing: the gate refuses writes (coordinators count this replica as failed, as if gone), the
//      writes accepted before land, and the keys changed since step 1 began are sent the same way. The
//      store no longer changes, so nothing written here can be missed.
//   3. left: only now is `left` announced: the ring drops the node, whose successors already hold
//      everything it held. The node then stops.
// A leave that fails (a successor unreachable, the deadline passed) reopens the gate: the node stays a
// member with its data, and says why in its status; the operator retries.

import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { HintStore, KvStore } from '../storage';
import type { DepartureGate } from './departure-gate';
import { DepartureHandover, type HandedOverRecords, type HandoverOutcome } from './departure-handover';
import type { Placement } from './placement';
import type { BatchReplicaDirectory } from './replica';

export type LeavePhase = 'member' | 'streaming' | 'finishing' | 'left' | 'failed';

export interface LeaveStatus {
  readonly phase: LeavePhase;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** Records and hints this node held when the leave started (what the first pass sends). */
  readonly recordsTotal: number;
  /** Records acknowledged by every successor so far, both passes together. */
  readonly recordsHandedOver: number;
  readonly bytesHandedOver: number;
  /** Keys written during the stream, sent again by the final pass (null until it runs). */
  readonly changedKeys: number | null;
  /** Records some successor did not acknowledge. */
  readonly failed: number;
  readonly reason: string | null;
}

export interface LeaveLimits {
  readonly deadlineMs: number;
  readonly batchMax: number;
  readonly changedKeysMax: number;
  readonly writeAttemptsMax: number;
  /** Passes over the records that failed (a successor busy or briefly away) before the leave gives up. */
  readonly retryRoundsMax: number;
  /** Before retry round r, r times this long. */
  readonly retryDelayMs: number;
}

export interface LeaveDeps {
  readonly store: KvStore;
  readonly hints: HintStore;
  readonly gate: DepartureGate;
  readonly directory: BatchReplicaDirectory;
  /** Placement by the ring without this node, as it stands when asked. */
  readonly successors: () => Placement;
  /** Gossips that this node is leaving (or staying after all), where the cluster knows ring states. */
  readonly announceLeaving: (leaving: boolean) => void;
  /** Announces `left` and lets the news spread. */
  readonly announceLeft: () => Promise<void>;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly limits: LeaveLimits;
}

type MutableStatus = { -readonly [field in keyof LeaveStatus]: LeaveStatus[field] };

const IDLE: LeaveStatus = { phase: 'member', startedAt: null, finishedAt: null, recordsTotal: 0, recordsHandedOver: 0, bytesHandedOver: 0, changedKeys: null, failed: 0, reason: null };

export class LeaveProcedure {
  readonly #deps: LeaveDeps;
  #status: MutableStatus = { ...IDLE };
  #running: Promise<LeaveStatus> | undefined;
  #reported: (() => void) | undefined;
  readonly #reportedOnce: Promise<void>;
  /** Set once the node stops: the leave writes nothing more (its store is about to close). */
  #stopped = false;
  #wakeFromRetryPause: (() => void) | undefined;

  constructor(deps: LeaveDeps) {
    this.#deps = deps;
    this.#reportedOnce = new Promise((resolve) => (this.#reported = resolve));
  }

  /** The leave's progress; once it is done, reading it counts as the report `reported()` waits for. */
  status(): LeaveStatus {
    if (this.#status.phase === 'left') this.#reported?.();
    return { ...this.#status };
  }

  /** Starts the leave unless one is running or done; resolves with its final status. */
  start(): Promise<LeaveStatus> {
    if (this.#running !== undefined && this.#status.phase !== 'failed') return this.#running;
    this.#running = this.#run();
    return this.#running;
  }

  /**
   * The node is stopping: no further pass or retry starts, and the leave writes nothing more to the
   * node's store, which closes next (a retry's ownership write after that once threw from inside
   * lmdb-js). A pass in flight ends on its own. A leave cut short leaves `leaving` persisted, which the
   * next start turns back into `owner` (main-elasticity.ts), as after a crash.
   */
  stop(): void {
    this.#stopped = true;
    this.#wakeFromRetryPause?.();
  }

  /** Resolves once the final status of a finished leave has been read. */
  reported(): Promise<void> {
    return this.#reportedOnce;
  }

  async #run(): Promise<LeaveStatus> {
    const { store, hints, gate, logger, limits } = this.#deps;
    const stats = store.stats();
    this.#status = { ...IDLE, phase: 'streaming', startedAt: this.#now(), recordsTotal: stats.liveKeys + stats.tombstones + hints.stats().count };
    logger.info('leave.started', { records: this.#status.recordsTotal });
    gate.trackChanges(limits.changedKeysMax);
    this.#deps.announceLeaving(true);
    try {
      const streamed = await this.#passWithRetries('all');
      if (streamed.failed > 0 || streamed.cutShort || this.#stopped) return this.#fail(streamed, 'the stream');
      this.#status.phase = 'finishing';
      await gate.closeToWrites();
      const changed = gate.changedKeys();
      this.#status.changedKeys = changed === 'overflowed' ? stats.liveKeys + stats.tombstones : changed.size;
      const finished = await this.#passWithRetries(changed === 'overflowed' ? 'all' : changed);
      if (finished.failed > 0 || finished.cutShort || this.#stopped) return this.#fail(finished, 'the final pass');
      await this.#deps.announceLeft();
      this.#status.phase = 'left';
      this.#status.finishedAt = this.#now();
      logger.info('leave.finished', { ...this.#status });
      return { ...this.#status };
    } catch (error) {
      return this.#fail(undefined, error instanceof Error ? error.message : String(error));
    }
  }

  /** A pass, then passes over what failed in it, each after a longer pause, until none fails or rounds run out. */
  async #passWithRetries(records: HandedOverRecords): Promise<HandoverOutcome> {
    const { limits, logger } = this.#deps;
    let outcome = await this.#pass(records);
    for (let round = 1; round <= limits.retryRoundsMax && (outcome.failed > 0 || outcome.cutShort); round++) {
      if (outcome.cutShort || this.#stopped) return outcome;
      logger.info('leave.retrying', { round, failed: outcome.failed, failedSuccessors: outcome.failedSuccessors });
      await this.#retryPause(limits.retryDelayMs * round);
      if (this.#stopped) return outcome;
      this.#status.failed = 0;
      outcome = await this.#pass(outcome.failedKeys === 'many' ? 'all' : outcome.failedKeys);
    }
    return outcome;
  }

  /** Waits before a retry round, or until stop(). */
  #retryPause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wakeFromRetryPause = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #pass(records: HandedOverRecords): Promise<HandoverOutcome> {
    const { store, hints, directory, logger, limits } = this.#deps;
    const before = { records: this.#status.recordsHandedOver, bytes: this.#status.bytesHandedOver };
    const outcome = await new DepartureHandover({
      store,
      records,
      hints,
      successors: this.#deps.successors(),
      directory,
      logger,
      label: 'leave',
      acknowledgement: 'every',
      deadlineMs: limits.deadlineMs,
      batchMax: limits.batchMax,
      writeAttemptsMax: limits.writeAttemptsMax,
      failedKeysMax: limits.changedKeysMax,
      onProgress: (progress) => {
        this.#status.recordsHandedOver = before.records + progress.handedOver;
        this.#status.bytesHandedOver = before.bytes + progress.bytes;
      },
    }).run();
    this.#status.failed = outcome.failed;
    return outcome;
  }

  #fail(outcome: HandoverOutcome | undefined, where: string): LeaveStatus {
    if (this.#stopped) return this.#stoppedDuringLeave();
    const why = outcome === undefined ? where : `${where}: ${outcome.failed} records not acknowledged by every successor${outcome.cutShort ? ', deadline passed' : ''}${outcome.failedSuccessors.length > 0 ? ` (unreachable: ${outcome.failedSuccessors.join(', ')})` : ''}`;
    this.#deps.gate.reopen();
    this.#deps.announceLeaving(false);
    this.#status.phase = 'failed';
    this.#status.finishedAt = this.#now();
    this.#status.reason = `${why}; this node stays a member with its data: retry the leave`;
    this.#deps.logger.warn('leave.failed', { ...this.#status });
    return { ...this.#status };
  }

  /** The end of a leave the node's stop cut short: reported, nothing written (see stop). */
  #stoppedDuringLeave(): LeaveStatus {
    this.#status.phase = 'failed';
    this.#status.finishedAt = this.#now();
    this.#status.reason = 'this node stopped during its leave; it is still a member, with its data: start it and retry the leave';
    this.#deps.logger.warn('leave.failed', { ...this.#status });
    return { ...this.#status };
  }

  #now(): string {
    return new Date(this.#deps.clock.nowMs()).toISOString();
  }
}
