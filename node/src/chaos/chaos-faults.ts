// The faults injected into this node through its chaos API (docs/chaos.md): who it is partitioned from
// and until when, which links are slow (chaos-delays.ts), its clock skew, a pending pause or kill. Each
// change is recorded as a chaos event and logged. The transport consults it per peer for every message
// (`blocks` in and out, `holdMsFor` out), so a partition holds for its whole duration, reconnects
// included. Its own times (events, deadlines) are real time, not the skewed clock, so the events of
// every node line up on one timeline.

import { systemTimers, type Clock, type OffsetClock, type TimerHandle, type Timers } from '../clock';
import { SwarmError } from '../errors';
import type { Logger } from '../log';
import { ChaosDelays, type DelayShape } from './chaos-delays';
import { ChaosEvents } from './chaos-events';
import type { KillMemory } from './kill-memory';
import type { ChaosEvent, ChaosFaultKind, ChaosPeer, ChaosState } from './chaos-types';
import { processEffects, type ChaosEffects } from './process-effects';

/** The log line of each kind of chaos event (docs/operations.md, "Events"). */
const LOG_EVENTS: Readonly<Record<ChaosFaultKind, string>> = {
  partition: 'chaos.partition',
  heal: 'chaos.heal',
  delay: 'chaos.delay',
  pause: 'chaos.pause',
  resume: 'chaos.resume',
  skew: 'chaos.skew',
  kill: 'chaos.kill',
};

export interface ChaosFaultsOptions {
  readonly nodeId: string;
  readonly name: string;
  /** The clock every time read of the node goes through; a skew moves its offset. */
  readonly clock: OffsetClock;
  /** Real time, for the events and deadlines here. */
  readonly realClock: Clock;
  readonly logger: Logger;
  readonly timers?: Timers;
  readonly effects?: ChaosEffects;
  /** A supervisor restarts this node when a kill asks for it (--supervised, set by `swarmkv up`). */
  readonly supervised?: boolean;
  /** A --memory node: started again it would be a new, empty member, so a kill may not ask for that. */
  readonly memory?: boolean;
  /** Keeps the kill that ends this run for the next one's timeline (a durable node's store). */
  readonly killMemory?: KillMemory;
  /** A delay's jitter draws, in [0, 1). */
  readonly random?: () => number;
}

/** Where a fault came from: the label of a scenario run, if any. */
export interface ChaosCause {
  readonly run?: string;
}

export class ChaosFaults {
  readonly nodeId: string;
  readonly name: string;
  readonly #options: ChaosFaultsOptions;
  readonly #timers: Timers;
  readonly #effects: ChaosEffects;
  readonly #events = new ChaosEvents();
  readonly #partitioned = new Map<string, string>();
  #partitionUntilMs: number | null = null;
  #healTimer: TimerHandle | undefined;
  #pausedUntilMs: number | null = null;
  #droppedMessages = 0;
  #delayedMessages = 0;
  readonly #delays: ChaosDelays;
  readonly #partitionListeners: (() => void)[] = [];

  constructor(options: ChaosFaultsOptions) {
    this.nodeId = options.nodeId;
    this.name = options.name;
    this.#options = options;
    this.#timers = options.timers ?? systemTimers;
    this.#effects = options.effects ?? processEffects;
    // A delay that runs out is recorded as lifted, with the run that set it unknown by then.
    const expired = (peers: readonly ChaosPeer[]) => this.#record('delay', { peers: peers.map((peer) => peer.name), delayMs: 0 });
    this.#delays = new ChaosDelays({ timers: this.#timers, nowMs: () => this.#nowMs(), expired, ...(options.random === undefined ? {} : { random: options.random }) });
    const previousKill = options.killMemory?.recall();
    if (previousKill !== undefined) {
      this.#events.restore(previousKill);
      // The kill's own line was logged a moment before the SIGKILL, by a process nobody could read any
      // more: this line puts it on the new life's log and timeline (GET /cluster/events).
      const { restartAfterMs, run } = previousKill;
      options.logger.info('chaos.restarted_after_kill', { killedAt: new Date(previousKill.atMs).toISOString(), downMs: Math.max(0, this.#nowMs() - previousKill.atMs), ...(restartAfterMs === undefined ? {} : { restartAfterMs }), ...(run === undefined ? {} : { run }) });
    }
  }

  state(): ChaosState {
    return {
      enabled: true,
      nodeId: this.nodeId,
      name: this.name,
      clockOffsetMs: this.#options.clock.offsetMs,
      partition: { peers: this.partitionedPeers(), untilMs: this.#partitionUntilMs },
      delayed: this.#delays.list(),
      pausedUntilMs: this.#pausedUntilMs,
      supervised: this.#restartable(),
      events: this.#events.list(),
    };
  }

  partitionedPeers(): ChaosPeer[] {
    return [...this.#partitioned].map(([nodeId, name]) => ({ nodeId, name }));
  }

  /** The peers whose links are delayed: with the partitioned ones, the peers a request may still name once dead. */
  delayedPeers(): ChaosPeer[] {
    return this.#delays.list();
  }

  /** Chaos events of each kind since start (swarmkv_chaos_faults_total). */
  faultCounts(): ReadonlyMap<ChaosFaultKind, number> {
    return this.#events.counts();
  }

  /** Peer messages dropped by a partition since start (swarmkv_chaos_dropped_messages_total). */
  droppedMessages(): number {
    return this.#droppedMessages;
  }

  /** Called after every change of the partition, so the transport hides or shows its connections. */
  onPartitionChange(listener: () => void): void {
    this.#partitionListeners.push(listener);
  }

  /** Whether every message to and from this peer is dropped now. */
  blocks(nodeId: string): boolean {
    return this.#partitioned.has(nodeId);
  }

  dropped(): void {
    this.#droppedMessages++;
  }

  /** Peer messages a delay held since start (swarmkv_chaos_delayed_messages_total). */
  delayedMessages(): number {
    return this.#delayedMessages;
  }

  /** How long the transport holds the next message to this peer, in ms (0: not delayed); counts the held ones. */
  holdMsFor(nodeId: string): number {
    const holdMs = this.#delays.holdMsFor(nodeId);
    if (holdMs > 0) this.#delayedMessages++;
    return holdMs;
  }

  /**
   * Delays every message to `peers` by `shape` from now on (replacing a delay they had), for
   * `durationMs` or until lifted; a `delayMs` of 0 lifts their delay. Messages already held keep theirs.
   */
  delay(peers: readonly ChaosPeer[], shape: DelayShape, durationMs: number | undefined, cause: ChaosCause): void {
    this.#delays.set(peers, shape, durationMs);
    const jitter = shape.jitterMs === 0 ? {} : { jitterMs: shape.jitterMs };
    this.#record('delay', { peers: peers.map((peer) => peer.name), delayMs: shape.delayMs, ...jitter, ...(durationMs === undefined ? {} : { durationMs }), ...cause });
  }

  /**
   * Adds `peers` to the partition. The latest request sets when the whole partition heals: in
   * `durationMs`, or never by itself without one.
   */
  partition(peers: readonly ChaosPeer[], durationMs: number | undefined, cause: ChaosCause): void {
    for (const peer of peers) this.#partitioned.set(peer.nodeId, peer.name);
    this.#timers.clearTimeout(this.#healTimer);
    this.#healTimer = undefined;
    this.#partitionUntilMs = null;
    if (durationMs !== undefined) {
      this.#partitionUntilMs = this.#nowMs() + durationMs;
      this.#healTimer = this.#timers.setTimeout(() => this.heal(undefined, cause), durationMs);
    }
    this.#record('partition', { peers: peers.map((peer) => peer.name), ...(durationMs === undefined ? {} : { durationMs }), ...cause });
    this.#partitionChanged();
  }

  /**
   * Heals the links to these peers (node ids), or to every one without a list: no partition and no
   * delay any more. Peers with neither are left alone.
   */
  heal(nodeIds: readonly string[] | undefined, cause: ChaosCause): void {
    const healing = nodeIds === undefined ? [...this.#partitioned.keys()] : nodeIds.filter((nodeId) => this.#partitioned.has(nodeId));
    const sped = this.#delays.lift(nodeIds).filter((peer) => !healing.includes(peer.nodeId));
    const names = [...healing.map((nodeId) => this.#partitioned.get(nodeId) ?? nodeId), ...sped.map((peer) => peer.name)];
    for (const nodeId of healing) this.#partitioned.delete(nodeId);
    if (this.#partitioned.size === 0) {
      this.#timers.clearTimeout(this.#healTimer);
      this.#healTimer = undefined;
      this.#partitionUntilMs = null;
    }
    this.#record('heal', { peers: names, ...cause });
    this.#partitionChanged();
  }

  /** Sets the clock's offset from real time; 0 restores it. */
  skew(offsetMs: number, cause: ChaosCause): void {
    this.#options.clock.offsetMs = offsetMs;
    this.#record('skew', { offsetMs, ...cause });
  }

  /**
   * Records the pause and returns when it ends, and the stop itself, which the caller runs once the
   * answer is written: the thread sleeps `durationMs`, then the node logs its resumption.
   */
  pause(durationMs: number, cause: ChaosCause): { pausedUntilMs: number; stop: () => void } {
    const pausedAtMs = this.#nowMs();
    const pausedUntilMs = pausedAtMs + durationMs;
    this.#pausedUntilMs = pausedUntilMs;
    this.#record('pause', { durationMs, ...cause }, pausedAtMs);
    const stop = () => {
      // The sleep's timeout runs on another clock than this one (Date.now()): it can end a fraction of a
      // millisecond early by this clock (a CI run saw 2,499 ms of a 2,500 ms pause), so what is left is
      // slept again, and the resumption is never recorded before the pause's end.
      for (let leftMs = pausedUntilMs - this.#nowMs(); leftMs > 0; leftMs = pausedUntilMs - this.#nowMs()) this.#effects.stopTheWorld(leftMs);
      this.#pausedUntilMs = null;
      this.#record('resume', { durationMs, ...cause });
    };
    return { pausedUntilMs, stop };
  }

  /**
   * Records the kill, remembers it for the next run's timeline, and returns the kill itself, which the
   * caller runs once the answer is written. `restartAfterMs` travels in the kill's log line, which the
   * supervisor reads before the process is gone (the log is written synchronously); without a
   * supervisor nothing would act on it, so it is refused. A kill the store cannot remember still kills.
   */
  async kill(restartAfterMs: number | undefined, cause: ChaosCause): Promise<{ killedAtMs: number; die: () => void }> {
    if (restartAfterMs !== undefined && this.#options.supervised !== true) {
      throw new SwarmError('conflict', 'this node has no supervisor to restart it (only the nodes of `swarmkv up` do); kill it without restartAfterMs and start it again yourself', { field: 'restartAfterMs' });
    }
    if (restartAfterMs !== undefined && !this.#restartable()) {
      throw new SwarmError('conflict', 'this node keeps its data in memory: started again it would be a new, empty member, not this one back; kill it without restartAfterMs', { field: 'restartAfterMs' });
    }
    const killedAtMs = this.#nowMs();
    const event = this.#record('kill', { ...(restartAfterMs === undefined ? {} : { restartAfterMs }), ...cause }, killedAtMs);
    await this.#options.killMemory?.remember(event).catch((error: unknown) => this.#options.logger.warn('chaos.kill_remember_failed', { error: String(error) }));
    return { killedAtMs, die: () => this.#effects.killProcess() };
  }

  /** Stops the heal timer and the delays' (the node is closing). */
  close(): void {
    this.#timers.clearTimeout(this.#healTimer);
    this.#healTimer = undefined;
    this.#delays.close();
  }

  /** Whether a kill may ask the supervisor to bring this node back: supervised, and on its data. */
  #restartable(): boolean {
    return this.#options.supervised === true && this.#options.memory !== true;
  }

  #nowMs(): number {
    return this.#options.realClock.nowMs();
  }

  #record(kind: ChaosFaultKind, fields: Omit<ChaosEvent, 'atMs' | 'kind'>, atMs = this.#nowMs()): ChaosEvent {
    const event: ChaosEvent = { atMs, kind, ...fields };
    this.#events.record(event);
    this.#options.logger.info(LOG_EVENTS[kind], { ...fields });
    return event;
  }

  #partitionChanged(): void {
    for (const listener of this.#partitionListeners) listener();
  }
}
