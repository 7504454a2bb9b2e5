// What GET /cluster/rebalance reports: this node's transfers, in progress, queued and recently
// finished, with their progress, rate and estimated time left.

import type { RingOwnership } from '../ring';
import type { PositionInterval } from './position-interval';

export type TransferState = 'queued' | 'running' | 'finished' | 'failed';

export interface TransferView {
  readonly range: PositionInterval;
  /** The node the range streams from (the first candidate while queued). */
  readonly from: string;
  readonly to: string;
  readonly state: TransferState;
  readonly keysDone: number;
  /** The records the source holds in the range (from its digest), once asked; null before. */
  readonly keysTotal: number | null;
  readonly bytesDone: number;
  /** Estimated from the bytes per key streamed so far; null before the first batch. */
  readonly bytesTotal: number | null;
  readonly keysPerSecond: number;
  readonly bytesPerSecond: number;
  /** Estimated milliseconds left at the current rate; null when unknown. */
  readonly etaMs: number | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** Why the last attempt failed, for a failed transfer (it is retried). */
  readonly error: string | null;
}

export interface RebalanceStatus {
  /** This node's ownership of its ranges: `joining` while it streams them in. */
  readonly ownership: RingOwnership;
  readonly inProgress: readonly TransferView[];
  readonly queued: readonly TransferView[];
  /** The most recent finished or failed transfers, newest first. */
  readonly finished: readonly TransferView[];
  /** Every key and byte this node has streamed in since it started. */
  readonly keysStreamed: number;
  readonly bytesStreamed: number;
}
