// The chaos API's replies as the CLI reads them (docs/chaos.md; the contract both sides build to).
// Limits the node enforces are repeated here only where the CLI checks a flag before any request.

export type ChaosFaultKind = 'partition' | 'heal' | 'pause' | 'resume' | 'skew' | 'kill';

export interface ChaosEvent {
  readonly atMs: number;
  readonly kind: ChaosFaultKind;
  /** Names of the peers a partition or heal concerned. */
  readonly peers?: readonly string[];
  readonly durationMs?: number;
  readonly offsetMs?: number;
  readonly run?: string;
}

export interface ChaosState {
  readonly enabled: true;
  readonly nodeId: string;
  readonly name: string;
  readonly clockOffsetMs: number;
  readonly partition: { readonly peers: readonly { readonly nodeId: string; readonly name: string }[]; readonly untilMs: number | null };
  readonly pausedUntilMs: number | null;
  readonly events: readonly ChaosEvent[];
}

/** The longest partition a node accepts (`durationMs`). */
export const CHAOS_PARTITION_MS_MAX = 3_600_000;
/** The longest stop-the-world pause a node accepts. */
export const CHAOS_PAUSE_MS_MAX = 60_000;
/** The largest clock offset, either way, a node accepts. */
export const CHAOS_SKEW_MS_MAX = 86_400_000;
