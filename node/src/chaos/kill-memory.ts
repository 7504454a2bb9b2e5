// The kill that ended a node's previous run. A chaos kill is SIGKILL: the process, and with it the
// chaos events kept in memory, are gone before anyone reads GET /chaos again. A durable node writes
// its kill event to its store's meta before it dies, and the next start puts that event back at the
// head of its timeline, so `swarmkv chaos status` and the dashboard still show what happened.

import type { ChaosEvent } from './chaos-types';

/** Where a node keeps its last kill across the restart. */
export interface KillMemory {
  /** Resolves once the event is durable (as durable as the node's store). */
  remember(event: ChaosEvent): Promise<void>;
  /** The kill that ended the previous run, if one was remembered; forgotten once read. */
  recall(): ChaosEvent | undefined;
}

const isWholeNumber = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** A remembered kill event read back strictly: anything else (an older format, a torn value) is no kill. */
export function parseRememberedKill(text: string | undefined): ChaosEvent | undefined {
  if (text === undefined || text.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { kind, atMs, restartAfterMs, run } = parsed as Record<string, unknown>;
  if (kind !== 'kill' || !isWholeNumber(atMs)) return undefined;
  if (restartAfterMs !== undefined && !isWholeNumber(restartAfterMs)) return undefined;
  if (run !== undefined && typeof run !== 'string') return undefined;
  return { atMs, kind, ...(restartAfterMs === undefined ? {} : { restartAfterMs }), ...(run === undefined ? {} : { run }) };
}
