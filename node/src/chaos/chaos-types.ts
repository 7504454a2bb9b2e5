// The chaos API's shapes, shared with the CLI and the dashboard through node/src/index.ts (types only).

export const CHAOS_FAULT_KINDS = ['partition', 'heal', 'delay', 'pause', 'resume', 'skew', 'kill'] as const;
export type ChaosFaultKind = (typeof CHAOS_FAULT_KINDS)[number];

/** A member this node is partitioned from. */
export interface ChaosPeer {
  readonly nodeId: string;
  readonly name: string;
}

/** A member this node delays its messages to: each waits delayMs, plus up to jitterMs more, in order. */
export interface ChaosDelayedPeer extends ChaosPeer {
  readonly delayMs: number;
  readonly jitterMs: number;
  /** When the delay lifts by itself (real time, ms since the epoch); null: until lifted or healed. */
  readonly untilMs: number | null;
}

/** One fault injected (or ended) on this node. Times are real time (not the skewed clock), in ms since the epoch. */
export interface ChaosEvent {
  readonly atMs: number;
  readonly kind: ChaosFaultKind;
  /** Names of the peers a partition, heal or delay concerned. */
  readonly peers?: readonly string[];
  readonly durationMs?: number;
  readonly offsetMs?: number;
  /** A delay's hold on each message to its peers (0: the delay lifted), and its jitter. */
  readonly delayMs?: number;
  readonly jitterMs?: number;
  /** A kill's request to its supervisor: start the node again this long after it died. */
  readonly restartAfterMs?: number;
  /** The label of the scenario run that caused it (`--run`). */
  readonly run?: string;
}

/** GET /chaos: this node's faults now, and its recent chaos events, oldest first. */
export interface ChaosState {
  readonly enabled: true;
  readonly nodeId: string;
  readonly name: string;
  /** How far this node's clock runs off real time. */
  readonly clockOffsetMs: number;
  readonly partition: { readonly peers: readonly ChaosPeer[]; readonly untilMs: number | null };
  /** The peers this node's messages to are delayed (a slow link), each with its own delay. */
  readonly delayed: readonly ChaosDelayedPeer[];
  readonly pausedUntilMs: number | null;
  /** Whether a kill may ask the supervisor (`swarmkv up`) to restart this node on its data: supervised, and not --memory. */
  readonly supervised: boolean;
  readonly events: readonly ChaosEvent[];
}

/** POST /chaos/pause's answer: the node stops once it is written. */
export interface ChaosPauseReply {
  readonly pausedUntilMs: number;
}

/** POST /chaos/kill's answer: the process SIGKILLs itself once it is written. */
export interface ChaosKillReply {
  readonly killedAtMs: number;
  /** Echoed when the kill asked the supervisor to restart the node. */
  readonly restartAfterMs?: number;
}
