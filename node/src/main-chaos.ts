// The composition root's chaos half: on a node started with --chaos, the fault state its API drives
// (docs/chaos.md), over a clock a skew can move, with its counters on /metrics. Any other node has none.

import { registerChaosMetrics, type HttpMetrics } from './api';
import { ChaosFaults, parseRememberedKill, type KillMemory } from './chaos';
import { OffsetClock, systemClock, type Clock } from './clock';
import type { NodeConfig } from './config';
import type { Logger } from './log';
import type { KvStore } from './storage';

/** The clocks of a node: the one every time read goes through, and the real time under it. */
export interface NodeClocks {
  readonly clock: Clock;
  /** The same clock, when a chaos skew may move it. */
  readonly skewable: OffsetClock | undefined;
  readonly realClock: Clock;
}

/** A --chaos node's clock is always an OffsetClock (from --clock-offset-ms), so a skew can move it later. */
export function nodeClocks(config: NodeConfig, given: Clock | undefined): NodeClocks {
  const realClock = given ?? systemClock;
  if (config.chaos) {
    const skewable = new OffsetClock(realClock, config.clockOffsetMs);
    return { clock: skewable, skewable, realClock };
  }
  const clock = given ?? (config.clockOffsetMs === 0 ? systemClock : new OffsetClock(systemClock, config.clockOffsetMs));
  return { clock, skewable: undefined, realClock };
}

/** The meta entry holding the kill that ended the previous run (chaos/kill-memory.ts). */
export const CHAOS_LAST_KILL_META = 'chaos-last-kill';

/** A kill kept in the store's meta: as durable as the store (a --memory node forgets it with everything else). */
function killMemoryIn(store: Pick<KvStore, 'getMeta' | 'setMeta'>, logger: Logger): KillMemory {
  return {
    remember: (event) => store.setMeta(CHAOS_LAST_KILL_META, JSON.stringify(event)),
    recall: () => {
      const text = store.getMeta(CHAOS_LAST_KILL_META);
      if (text === undefined || text.length === 0) return undefined;
      store.setMeta(CHAOS_LAST_KILL_META, '').catch((error: unknown) => logger.warn('chaos.kill_remember_failed', { error: String(error) }));
      return parseRememberedKill(text);
    },
  };
}

export interface ChaosParts {
  readonly config: NodeConfig;
  readonly store: Pick<KvStore, 'getMeta' | 'setMeta'>;
  readonly clocks: NodeClocks;
  readonly nodeId: string;
  readonly logger: Logger;
  readonly metrics: HttpMetrics;
}

/** The fault state of a --chaos node, its metrics registered; undefined for any other node. */
export function startChaos({ config, store, clocks, nodeId, logger, metrics }: ChaosParts): ChaosFaults | undefined {
  if (clocks.skewable === undefined) return undefined;
  const killMemory = killMemoryIn(store, logger);
  const chaos = new ChaosFaults({ nodeId, name: config.name, clock: clocks.skewable, realClock: clocks.realClock, logger, supervised: config.supervised, memory: config.memory, killMemory });
  registerChaosMetrics(metrics, chaos).catch((error: unknown) => logger.error('metrics.load_failed', { error: String(error) }));
  logger.warn('chaos.enabled', { clockOffsetMs: config.clockOffsetMs });
  return chaos;
}
