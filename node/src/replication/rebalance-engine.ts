// Runs a joining node's planned range transfers (transfer-plan.ts): at most
// REBALANCE_TRANSFERS_IN_FLIGHT_MAX at once, all of them together within REBALANCE_BYTES_PER_SECOND_MAX,
// each from the first current replica of its range that answers. Progress of every transfer is
// persisted in one store metadata entry, written in the same transaction as each batch (so a restart
// resumes each where it was, and never past data that is not stored); the
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
  readonly transfer: RangeTransfer;
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
    const transfer = new RangeTransfer(planned.interval, resumeFrom, {
      request: this.#deps.request,
      merge: (records, progress) => this.#merge(planned.id, records, progress),
      pace: (bytes) => this.#pace(bytes),
      streamed: (keys, bytes) => {
        this.keysStreamed += keys;
        this.bytesStreamed += bytes;
      },
      stopping: () => this.#closing,
    });
    return { planned, transfer, from: planned.sources[0] ?? '', state: 'queued', startedMs: null, finishedMs: null, keysAtStart: resumeFrom.keys, bytesAtStart: resumeFrom.bytes, error: null };
  }

  /** Tries each healthy source in turn; true once the range is in. */
  async #runOne(tracked: Tracked): Promise<boolean> {
    if (this.#closing) return false;
    const sources = tracked.planned.sources.filter((nodeId) => nodeId !== this.#deps.selfId && this.#deps.isHealthy(nodeId));
    tracked.state = 'running';
    tracked.startedMs = performance.now();
    for (const source of sources) {
      tracked.from = source;
      const fields = { range: tracked.planned.id, from: source, to: this.#deps.selfId };
      this.#deps.logger.info('rebalance.transfer_started', { ...fields, keysTotal: tracked.transfer.keysTotal, resumedAtKeys: tracked.transfer.progress.keys });
      try {
        await tracked.transfer.run(source);
        if (!tracked.transfer.progress.done) break;
        const { keys, bytes } = tracked.transfer.progress;
        this.#deps.logger.info('rebalance.transfer_finished', { ...fields, keys, applied: tracked.transfer.applied, bytes, ms: Math.round(performance.now() - tracked.startedMs) });
        return this.#finish(tracked, 'finished', null);
      } catch (error) {
        const reason = isSwarmError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
        this.#deps.logger.warn('rebalance.transfer_failed', { ...fields, keys: tracked.transfer.progress.keys, reason });
        tracked.error = reason;
      }
    }
    return this.#finish(tracked, 'failed', tracked.error ?? (sources.length === 0 ? 'no healthy source' : 'stopped'));
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
