// Runs a joining node's planned range transfers (transfer-plan.ts): at most
// REBALANCE_TRANSFERS_IN_FLIGHT_MAX at once, all of them together within REBALANCE_BYTES_PER_SECOND_MAX.
// Each range comes from the replica the joiner displaces when that one is up (it holds every write it
// acknowledged: see transfer-plan.ts); otherwise from every other current replica of the range in turn,
// each copy merged by last-writer-wins, so a write acknowledged by the displaced replica and any one
// other is not missed. A range that displaces nobody comes from the first replica that answers.
// Progress of every transfer is persisted in one store metadata entry, written in the same transaction
// as each batch (so a restart resumes each where it was, and never past data that is not stored); the
// entry is cleared when the node becomes an owner (a later join starts afresh). Logs
// `rebalance.transfer_started`, `rebalance.transfer_finished` and `rebalance.transfer_failed`.

import type { Clock } from '../clock';
import { isSwarmError } from '../errors';
import type { Logger } from '../log';
import type { RingOwnership } from '../ring';
import type { PeerMessage } from '../transport';
import type { KvStore, StoredRecord } from '../storage';
import { newerWins } from './merge';
import { RangeTransfer, type TransferProgress } from './range-transfer';
import type { RebalanceStatus, TransferView } from './rebalance-status';
import { Semaphore } from './semaphore';
import type { PlannedTransfer } from './transfer-plan';

/** Transfers streaming at once: enough to keep the pipe full, few enough to leave the sources serving. */
export const REBALANCE_TRANSFERS_IN_FLIGHT_MAX = 4;
/** Streamed bytes per second, all transfers together (as transferBytesOf counts them). */
export const REBALANCE_BYTES_PER_SECOND_MAX = 32 * 1024 * 1024;
/** Finished transfers kept for the status view. */
export const REBALANCE_FINISHED_KEPT_MAX = 32;
/** The store metadata entry with every transfer's progress (JSON: transfer id -> TransferProgress). */
export const REBALANCE_PROGRESS_META = 'rebalance-progress';

export interface RebalanceEngineDeps {
  readonly selfId: string;
  readonly request: (toNodeId: string, body: PeerMessage, options: { readonly timeoutMs: number }) => Promise<PeerMessage>;
  /** The node's store (through the digest-tracking wrapper): batches are merged into it, progress kept in its metadata. */
  readonly store: Pick<KvStore, 'writeMany' | 'getMeta' | 'setMeta'>;
  readonly isHealthy: (nodeId: string) => boolean;
  readonly logger: Logger;
  readonly clock: Clock;
}

interface Tracked {
  readonly planned: PlannedTransfer;
  /** The stream in hand: the range's own, or a merge leg from one more source (see #mergeFromOthers). */
  transfer: RangeTransfer;
  from: string;
  state: TransferView['state'];
  startedMs: number | null;
  finishedMs: number | null;
  keysAtStart: number;
  bytesAtStart: number;
  error: string | null;
}

export class RebalanceEngine {
  readonly #deps: RebalanceEngineDeps;
  #progress: Record<string, TransferProgress>;
  #tracked: Tracked[] = [];
  readonly #finished: Tracked[] = [];
  #running: Promise<boolean> | undefined;
  #closing = false;
  #paceAtMs = 0;
  keysStreamed = 0;
  bytesStreamed = 0;

  constructor(deps: RebalanceEngineDeps) {
    this.#deps = deps;
    this.#progress = loadProgress(deps.store.getMeta(REBALANCE_PROGRESS_META));
  }

  /** Runs every transfer of `plan` not done yet; true once all are. Joins the run in progress if any. */
  run(plan: readonly PlannedTransfer[]): Promise<boolean> {
    this.#running ??= this.#runAll(plan).finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Forgets persisted progress: the node became an owner, and a later join must stream afresh. */
  async forgetProgress(): Promise<void> {
    this.#progress = {};
    await this.#deps.store.setMeta(REBALANCE_PROGRESS_META, '{}');
  }

  /** Stops after the batches in hand; resolves once the run in progress (if any) has. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#running;
  }

  status(ownership: RingOwnership): RebalanceStatus {
    const nowMs = performance.now();
    const view = (tracked: Tracked) => this.#view(tracked, nowMs);
    return {
      ownership,
      inProgress: this.#tracked.filter((tracked) => tracked.state === 'running').map(view),
      queued: this.#tracked.filter((tracked) => tracked.state === 'queued').map(view),
      finished: [...this.#finished].reverse().map(view),
      keysStreamed: this.keysStreamed,
      bytesStreamed: this.bytesStreamed,
    };
  }

  async #runAll(plan: readonly PlannedTransfer[]): Promise<boolean> {
    this.#tracked = plan.filter((planned) => this.#progress[planned.id]?.done !== true).map((planned) => this.#track(planned));
    const semaphore = new Semaphore(REBALANCE_TRANSFERS_IN_FLIGHT_MAX);
    const outcomes = await Promise.all(this.#tracked.map((tracked) => semaphore.run(() => this.#runOne(tracked))));
    this.#tracked = this.#tracked.filter((tracked) => tracked.state !== 'finished' && tracked.state !== 'failed');
    return outcomes.every(Boolean);
  }

  #track(planned: PlannedTransfer): Tracked {
    const resumeFrom = this.#progress[planned.id] ?? { done: false, keys: 0, bytes: 0 };
    const transfer = this.#transfer(planned, planned.id, resumeFrom);
    return { planned, transfer, from: planned.sources[0] ?? '', state: 'queued', startedMs: null, finishedMs: null, keysAtStart: resumeFrom.keys, bytesAtStart: resumeFrom.bytes, error: null };
  }

  /** A stream of `planned`'s interval whose progress is persisted under `progressId`. */
  #transfer(planned: PlannedTransfer, progressId: string, resumeFrom: TransferProgress): RangeTransfer {
    return new RangeTransfer(planned.interval, resumeFrom, {
      request: this.#deps.request,
      merge: (records, progress) => this.#merge(progressId, records, progress),
      pace: (bytes) => this.#pace(bytes),
      streamed: (keys, bytes) => {
        this.keysStreamed += keys;
        this.bytesStreamed += bytes;
      },
      stopping: () => this.#closing,
    });
  }

  /** Streams the range from its displaced replica, else merges it from every other one; true once it is in. */
  async #runOne(tracked: Tracked): Promise<boolean> {
    if (this.#closing) return false;
    const healthy = (nodeId: string) => nodeId !== this.#deps.selfId && this.#deps.isHealthy(nodeId);
    const { displaced, sources } = tracked.planned;
    tracked.state = 'running';
    tracked.startedMs = performance.now();
    if (displaced === undefined) {
      // Every current replica stays one: any single copy is as good as another.
      for (const source of sources.filter(healthy)) {
        if (await this.#streamFrom(tracked, source)) return this.#finish(tracked, 'finished', null);
        if (this.#closing) break;
      }
    } else if ((healthy(displaced) && (await this.#streamFrom(tracked, displaced))) || (await this.#mergeFromOthers(tracked, sources.filter((nodeId) => nodeId !== displaced && healthy(nodeId))))) {
      return this.#finish(tracked, 'finished', null);
    }
    return this.#finish(tracked, 'failed', tracked.error ?? (sources.some(healthy) ? 'stopped' : 'no healthy source'));
  }

  /**
   * Without the displaced replica, the rest of the range (from where its stream stopped) is merged from
   * each of `others` in turn, each leg's progress persisted under its own id; the range is done once
   * every leg is. A leg that fails fails the round (it is retried), since the copy it would bring may
   * be the only one left.
   */
  async #mergeFromOthers(tracked: Tracked, others: readonly string[]): Promise<boolean> {
    if (others.length === 0 || this.#closing) return false;
    const own = this.#progress[tracked.planned.id] ?? tracked.transfer.progress;
    const from: TransferProgress = { ...(own.afterKey === undefined ? {} : { afterKey: own.afterKey }), done: false, keys: 0, bytes: 0 };
    const main = tracked.transfer;
    for (const source of others) {
      const legId = `${tracked.planned.id}@${source}`;
      const leg = this.#transfer(tracked.planned, legId, this.#progress[legId] ?? from);
      tracked.transfer = leg;
      tracked.keysAtStart = leg.progress.keys;
      tracked.bytesAtStart = leg.progress.bytes;
      const done = await this.#streamFrom(tracked, source);
      tracked.transfer = main;
      if (!done) return false;
    }
    this.#progress[tracked.planned.id] = { ...main.progress, done: true };
    await this.#deps.store.setMeta(REBALANCE_PROGRESS_META, JSON.stringify(this.#progress));
    return true;
  }

  /** Runs the transfer in hand from `source`, with its log lines; true once it is done. */
  async #streamFrom(tracked: Tracked, source: string): Promise<boolean> {
    tracked.from = source;
    const transfer = tracked.transfer;
    const fields = { range: tracked.planned.id, from: source, to: this.#deps.selfId };
    // A join plans a transfer per range of its ring (60-odd for a third node): their starts, and the
    // ends of the empty ones, are debug lines, so a cluster forming with no data logs one line for its
    // join (ring.ownership_changed, with the totals) instead of a hundred.
    this.#deps.logger.debug('rebalance.transfer_started', { ...fields, keysTotal: transfer.keysTotal, resumedAtKeys: transfer.progress.keys });
    try {
      await transfer.run(source);
      if (!transfer.progress.done) return false;
      const { keys, bytes } = transfer.progress;
      const finished = { ...fields, keys, applied: transfer.applied, bytes, ms: Math.round(performance.now() - (tracked.startedMs ?? performance.now())) };
      if (keys > 0) this.#deps.logger.info('rebalance.transfer_finished', finished);
      else this.#deps.logger.debug('rebalance.transfer_finished', finished);
      return true;
    } catch (error) {
      const reason = isSwarmError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
      this.#deps.logger.warn('rebalance.transfer_failed', { ...fields, keys: transfer.progress.keys, reason });
      tracked.error = reason;
      return false;
    }
  }

  #finish(tracked: Tracked, state: 'finished' | 'failed', error: string | null): boolean {
    tracked.state = state;
    tracked.error = error;
    tracked.finishedMs = performance.now();
    this.#finished.push(tracked);
    if (this.#finished.length > REBALANCE_FINISHED_KEPT_MAX) this.#finished.shift();
    return state === 'finished';
  }

  /**
   * One transaction per batch: its records, and every transfer's progress with this one's advanced.
   * The progress text is taken when the batch is submitted and the store commits in submission order,
   * so the entry last written holds each transfer's progress as of its own last stored batch.
   */
  async #merge(id: string, records: readonly StoredRecord[], progress: TransferProgress): Promise<number> {
    const previous = this.#progress[id];
    this.#progress[id] = progress;
    const decisions = records.map((record) => ({ key: record.key, decide: newerWins(record) }));
    try {
      const written = await this.#deps.store.writeMany(decisions, { name: REBALANCE_PROGRESS_META, value: JSON.stringify(this.#progress) });
      return written.filter((record) => record !== undefined).length;
    } catch (error) {
      if (this.#progress[id] === progress) {
        if (previous === undefined) delete this.#progress[id];
        else this.#progress[id] = previous;
      }
      throw error;
    }
  }

  /** A shared schedule: each batch books its bytes' share of a second; a batch ahead of it waits. */
  async #pace(bytes: number): Promise<void> {
    const nowMs = performance.now();
    this.#paceAtMs = Math.max(this.#paceAtMs, nowMs) + (bytes / REBALANCE_BYTES_PER_SECOND_MAX) * 1000;
    const waitMs = this.#paceAtMs - nowMs;
    if (waitMs >= 1) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }

  #view(tracked: Tracked, nowMs: number): TransferView {
    const { keys, bytes } = tracked.transfer.progress;
    const keysTotal = tracked.transfer.keysTotal;
    const seconds = tracked.startedMs === null ? 0 : ((tracked.finishedMs ?? nowMs) - tracked.startedMs) / 1000;
    const keysPerSecond = seconds > 0 ? Math.round((keys - tracked.keysAtStart) / seconds) : 0;
    const bytesPerSecond = seconds > 0 ? Math.round((bytes - tracked.bytesAtStart) / seconds) : 0;
    const bytesTotal = keys > 0 && keysTotal !== null ? Math.round((bytes / keys) * Math.max(keysTotal, keys)) : null;
    const keysLeft = keysTotal === null ? null : Math.max(0, keysTotal - keys);
    const etaMs = tracked.state === 'finished' ? 0 : keysLeft !== null && keysPerSecond > 0 ? Math.round((keysLeft / keysPerSecond) * 1000) : null;
    const at = (ms: number | null) => (ms === null ? null : new Date(this.#deps.clock.nowMs() - (nowMs - ms)).toISOString());
    const { interval } = tracked.planned;
    return { range: { start: interval.start, end: interval.end }, from: tracked.from, to: this.#deps.selfId, state: tracked.state, keysDone: keys, keysTotal, bytesDone: bytes, bytesTotal, keysPerSecond, bytesPerSecond, etaMs, startedAt: at(tracked.startedMs), finishedAt: at(tracked.finishedMs), error: tracked.error };
  }
}

function loadProgress(text: string | undefined): Record<string, TransferProgress> {
  try {
    const parsed: unknown = JSON.parse(text ?? '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, TransferProgress>) : {};
  } catch {
    return {};
  }
}
