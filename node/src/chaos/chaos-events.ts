// The chaos events a node keeps (bounded, oldest dropped first) and how many of each kind it has seen
// since start, for GET /chaos and swarmkv_chaos_faults_total{kind}.

import { CHAOS_EVENTS_KEPT_MAX } from '../limits';
import { CHAOS_FAULT_KINDS, type ChaosEvent, type ChaosFaultKind } from './chaos-types';

export class ChaosEvents {
  readonly #kept: ChaosEvent[] = [];
  readonly #counts = new Map<ChaosFaultKind, number>(CHAOS_FAULT_KINDS.map((kind) => [kind, 0]));

  record(event: ChaosEvent): void {
    this.#kept.push(event);
    if (this.#kept.length > CHAOS_EVENTS_KEPT_MAX) this.#kept.shift();
    this.#counts.set(event.kind, (this.#counts.get(event.kind) ?? 0) + 1);
  }

  /** An event of the node's previous run (kill-memory.ts): kept first in line, not counted as this run's. */
  restore(event: ChaosEvent): void {
    this.#kept.unshift(event);
    if (this.#kept.length > CHAOS_EVENTS_KEPT_MAX) this.#kept.pop();
  }

  /** The kept events, oldest first. */
  list(): ChaosEvent[] {
    return [...this.#kept];
  }

  /** Events of each kind since start, kept or not. */
  counts(): ReadonlyMap<ChaosFaultKind, number> {
    return this.#counts;
  }
}
