// Anti-entropy (Dynamo, DeCandia et al. SOSP 2007, section 4.7): replicas of each range periodically
// compare digests of the range and exchange only what differs, so copies missed by a crashed or
// partitioned replica converge without waiting for a read of each key.
//
// Follows the paper in comparing per range, pairwise, with a hash tree over the range's keys, and
// in moving records both ways (safe under last-writer-wins by version). Deviates in how the tree is
// kept: the paper keeps one Merkle tree per range, invalidated when ranges move; here each node keeps
// one incremental index of XOR-of-leaf-hash buckets over the whole ring (digest-index.ts), and the
// tree of any interval is computed from it on demand (range-comparison.ts). A ring change then costs
// nothing: the next pass simply cuts the new ranges. XOR is not collision-resistant against an
// adversary, but peers are authenticated cluster members, and digests also carry the leaf count.
//
// The service runs passes on its own tick (`--anti-entropy-interval-ms`, 0 for manual passes only): a
// pass compares this node with each healthy co-replica for each range of its share, a bounded number
// of ranges at once, and backs off (doubling its interval, up to a bound) while the node is busy or
// peers fail. Logs: `repair.compared` per comparison (info when it found differences, debug
// otherwise), `repair.compare_failed`, `repair.pass_completed` per pass.

import { systemTimers, type Clock, type TimerHandle, type Timers } from '../clock';
import { isSwarmError } from '../errors';
import type { Logger } from '../log';
import type { RingRange } from '../ring';
import { compareRange, type ComparisonDeps, type ComparisonOutcome } from './range-comparison';
import { idleRepairStatus, type RepairControl, type RepairStatus } from './repair-status';
import { Semaphore } from './semaphore';

/** Ranges compared at once by one pass (each with its co-replicas in turn). */
export const ANTI_ENTROPY_RANGES_IN_FLIGHT_MAX = 2;
/** A busy node or failing peers stretch the interval to at most this multiple of it. */
export const ANTI_ENTROPY_BACKOFF_FACTOR_MAX = 8;
/** The first follow-up of a ring-change pass that was not complete (see requestPass); each next one waits twice as long. */
export const RING_CHANGE_FOLLOW_UP_MS = 2000;
/** Follow-ups after one ring change at most (2 + 4 + 8 + 16 s); then the periodic passes take over. */
export const RING_CHANGE_FOLLOW_UPS_MAX = 4;
/**
 * From a member's return (alive again after dead) to the pass it asks for: time for its refutation
 * to spread, so every node counts it healthy and compares with it, and for other returns to share it.
 */
export const MEMBER_RETURN_PASS_DELAY_MS = 2000;

export interface AntiEntropyDeps {
  readonly selfId: string;
  readonly comparison: ComparisonDeps;
  readonly liveness: { isHealthy(nodeId: string): boolean };
  /** The ring's ranges with their N replicas, as placement routes now. */
  readonly ranges: () => readonly RingRange[];
  readonly clock: Clock;
  /** Where the periodic tick is scheduled; the system's timers unless a test drives them. */
  readonly timers?: Timers;
  readonly logger: Logger;
  /** Between the end of one pass and the start of the next; 0: passes only when asked. */
  readonly intervalMs: number;
  /** True while the node is too busy for background work (its rpc near the in-flight bound, say). */
  readonly busy?: () => boolean;
  /**
   * False while some member may still place writes by a ring other than the current one (a previous
   * ring's grace): such a write can land after this node's comparison of its range. Stable if absent.
   */
  readonly ringSettled?: () => boolean;
  readonly rangesInFlightMax?: number;
}

type PassTrigger = 'manual' | 'periodic' | 'ring_change' | 'ring_change_follow_up' | 'member_returned';

interface PassTally {
  comparisons: number;
  skipped: number;
  failed: number;
}

type MutableStatus = { -readonly [field in keyof RepairStatus]: RepairStatus[field] };

export class AntiEntropyService implements RepairControl {
  readonly #deps: AntiEntropyDeps;
  #status: MutableStatus = { ...idleRepairStatus };
  #running: Promise<void> | undefined;
  readonly #timers: Timers;
  #timer: TimerHandle | undefined;
  #backoff = 1;
  #started = false;
  #closing: Promise<void> | undefined;
  /** A pass was asked for while one ran (the ring changed under it): it runs next, on the new ring. */
  #passRequested = false;
  /** Follow-up passes run since the last ring change. */
  #followUps = 0;
  /** The pass a member's return asked for, while it waits out MEMBER_RETURN_PASS_DELAY_MS. */
  #returnTimer: TimerHandle | undefined;

  constructor(deps: AntiEntropyDeps) {
    this.#deps = deps;
    this.#timers = deps.timers ?? systemTimers;
  }

  /** Starts the periodic tick (the first pass one interval from now). Idempotent. */
  start(): void {
    if (this.#started || this.#closing !== undefined) return;
    this.#started = true;
    this.#schedule();
  }

  status(): RepairStatus {
    return { ...this.#status };
  }

  startPass(): boolean {
    if (this.#running !== undefined || this.#closing !== undefined) return false;
    this.#timers.clearTimeout(this.#timer);
    this.#running = this.#guarded('manual');
    return true;
  }

  /**
   * A pass as soon as possible: now, or right after the one running. Used when the ring changes for
   * good (a member removed), so the new owners of its ranges get their copies without waiting.
   *
   * One pass is not always enough: a co-replica it skipped (suspect on a loaded machine) or failed to
   * compare with, or a member still writing by the old ring until the news reaches it, each leaves copies
   * missing that the next periodic pass would find only an interval later (60 s by default, twice that
   * after a failure). So while a ring-change pass was not complete, or started before the ring settled,
   * a follow-up runs RING_CHANGE_FOLLOW_UP_MS later, doubling, at most RING_CHANGE_FOLLOW_UPS_MAX times.
   */
  requestPass(): void {
    this.#passNowOrNext('ring_change');
  }

  /**
   * A member is back: alive again after this node held it dead (restarted on its data, or a partition
   * healed). It missed the writes made meanwhile, and may hold some this node missed (writes at `one`
   * on its side). With as many replicas as nodes there was no stand-in to keep hints for it, so
   * without this its copies would differ until the next periodic pass, an interval later (60 s by
   * default). A pass MEMBER_RETURN_PASS_DELAY_MS from now compares every range with it, followed up
   * like a ring change's while incomplete; returns within that delay share the pass. Nothing when
   * passes run only on request (interval 0) or before the service started.
   */
  memberReturned(): void {
    if (!this.#started || this.#closing !== undefined || this.#deps.intervalMs === 0 || this.#returnTimer !== undefined) return;
    this.#returnTimer = this.#timers.setTimeout(() => {
      this.#returnTimer = undefined;
      this.#passNowOrNext('member_returned');
    }, MEMBER_RETURN_PASS_DELAY_MS);
  }

  /** A pass now in place of the tick, or right after the one running; its follow-ups start afresh. */
  #passNowOrNext(trigger: 'ring_change' | 'member_returned'): void {
    if (this.#closing !== undefined) return;
    this.#followUps = 0;
    if (this.#running !== undefined) {
      this.#passRequested = true;
      return;
    }
    this.#timers.clearTimeout(this.#timer);
    this.#running = this.#guarded(trigger);
  }

  /** Resolves once no pass is running (at once when none is). */
  async whenIdle(): Promise<void> {
    await this.#running;
  }

  /** Stops the tick; a pass in progress stops taking new ranges and is awaited. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#timers.clearTimeout(this.#timer);
      this.#timers.clearTimeout(this.#returnTimer);
      await this.#running;
    })();
    return this.#closing;
  }

  #schedule(): void {
    this.#timers.clearTimeout(this.#timer);
    if (!this.#started || this.#closing !== undefined || this.#deps.intervalMs === 0) return;
    this.#timer = this.#timers.setTimeout(() => this.#tick(), this.#deps.intervalMs * this.#backoff);
  }

  /** A follow-up of a ring-change pass (see requestPass), in place of the periodic tick until it runs. */
  #scheduleFollowUp(): void {
    this.#timers.clearTimeout(this.#timer);
    const delayMs = RING_CHANGE_FOLLOW_UP_MS * 2 ** this.#followUps;
    this.#followUps += 1;
    this.#timer = this.#timers.setTimeout(() => {
      if (this.#closing !== undefined) return;
      if (this.#running !== undefined) this.#passRequested = true;
      else this.#running = this.#guarded('ring_change_follow_up');
    }, delayMs);
  }

  #tick(): void {
    if (this.#running !== undefined) return this.#schedule();
    if (this.#deps.busy?.() === true) {
      this.#backoff = Math.min(this.#backoff * 2, ANTI_ENTROPY_BACKOFF_FACTOR_MAX);
      this.#deps.logger.debug('repair.deferred', { reason: 'busy', nextInMs: this.#deps.intervalMs * this.#backoff });
      return this.#schedule();
    }
    this.#running = this.#guarded('periodic');
  }

  /** A pass that fails as a whole (a bug: comparisons catch their own failures) is logged, never thrown. */
  async #guarded(trigger: PassTrigger): Promise<void> {
    let complete = false;
    try {
      complete = await this.#pass(trigger);
    } catch (error) {
      this.#status.running = false;
      this.#deps.logger.error('repair.pass_failed', { trigger, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    } finally {
      this.#running = undefined;
      const afterRingChange = trigger === 'ring_change' || trigger === 'ring_change_follow_up' || trigger === 'member_returned';
      if (this.#passRequested && this.#closing === undefined) {
        this.#passRequested = false;
        this.#running = this.#guarded('ring_change');
      } else if (afterRingChange && !complete && this.#followUps < RING_CHANGE_FOLLOW_UPS_MAX && this.#closing === undefined) this.#scheduleFollowUp();
      else this.#schedule();
    }
  }

  /** One pass; true if it compared every range it replicates (if any) with every co-replica, on a ring every member routes by. */
  async #pass(trigger: PassTrigger): Promise<boolean> {
    const startedMs = performance.now();
    const { selfId, clock } = this.#deps;
    const settledAtStart = this.#deps.ringSettled?.() ?? true;
    const shared = this.#deps.ranges().filter((range) => range.replicas.includes(selfId));
    this.#status = {
      ...idleRepairStatus,
      running: true,
      rangesTotal: shared.length,
      startedAt: new Date(clock.nowMs()).toISOString(),
      lastCompleted: this.#status.lastCompleted,
    };
    this.#deps.logger.info('repair.pass_started', { trigger, rangesTotal: shared.length });
    const tally: PassTally = { comparisons: 0, skipped: 0, failed: 0 };
    const semaphore = new Semaphore(this.#deps.rangesInFlightMax ?? ANTI_ENTROPY_RANGES_IN_FLIGHT_MAX);
    await Promise.all(shared.map((range) => semaphore.run(() => this.#compareWithCoReplicas(range, tally))));
    const durationMs = Math.round(performance.now() - startedMs);
    const { keysRepaired, bytesSent, bytesReceived, rangesDone, rangesTotal } = this.#status;
    this.#status.running = false;
    this.#status.lastCompleted = { finishedAt: new Date(clock.nowMs()).toISOString(), durationMs, keysRepaired, bytesExchanged: bytesSent + bytesReceived };
    this.#backoff = tally.failed > 0 ? Math.min(this.#backoff * 2, ANTI_ENTROPY_BACKOFF_FACTOR_MAX) : 1;
    this.#deps.logger.info('repair.pass_completed', { trigger, rangesDone, rangesTotal, ...tally, ringSettled: settledAtStart, keysRepaired, bytesSent, bytesReceived, durationMs });
    // A node that replicates nothing yet (a joiner hearing of an old removal) has nothing to follow up.
    return rangesTotal === 0 || (settledAtStart && tally.skipped === 0 && tally.failed === 0 && rangesDone === rangesTotal);
  }

  async #compareWithCoReplicas(range: RingRange, tally: PassTally): Promise<void> {
    if (this.#closing !== undefined) return;
    for (const peerId of range.replicas) {
      if (peerId === this.#deps.selfId) continue;
      if (!this.#deps.liveness.isHealthy(peerId)) {
        tally.skipped += 1;
        continue;
      }
      const startedMs = performance.now();
      try {
        const outcome = await compareRange(this.#deps.comparison, peerId, range);
        tally.comparisons += 1;
        this.#count(outcome);
        this.#logCompared(peerId, range, outcome, Math.round(performance.now() - startedMs));
      } catch (error) {
        tally.failed += 1;
        const reason = isSwarmError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
        this.#deps.logger.warn('repair.compare_failed', { peer: peerId, rangeStart: range.start, rangeEnd: range.end, reason });
      }
    }
    this.#status.rangesDone += 1;
  }

  #count(outcome: ComparisonOutcome): void {
    this.#status.keysRepaired += outcome.keysRepaired;
    this.#status.bytesSent += outcome.bytesSent;
    this.#status.bytesReceived += outcome.bytesReceived;
  }

  #logCompared(peerId: string, range: RingRange, outcome: ComparisonOutcome, durationMs: number): void {
    const fields = { peer: peerId, rangeStart: range.start, rangeEnd: range.end, ...outcome, durationMs };
    if (outcome.leavesDiffering > 0) this.#deps.logger.info('repair.compared', fields);
    else this.#deps.logger.debug('repair.compared', fields);
  }
}
