// The thin driver around the membership state machine: it owns the one timer, reads the clock, hands
// effects to the transport and to listeners, and holds the current state. All protocol decisions are in
// membershipStep; nothing here is worth testing on a fake network that the simulation does not cover.

import type { Clock } from '../clock';
import { isUp, type MemberMetadata, type MemberState } from './member';
import { validateMembershipConfig, type MembershipConfig } from './membership-config';
import type { ChangeCause, MembershipEffect } from './membership-effect';
import type { MembershipEvent } from './membership-event';
import { initialMembershipState, type InitialMembershipOptions, type LocalIdentity, type MembershipState } from './membership-state';
import { membershipStep, nextDeadlineMs } from './membership-step';
import { isDown, isHealthy, memberSummaries, ringMemberIds, type MemberSummary } from './membership-view';
import { isMembershipMessageType, parseMembershipMessage, type MembershipMessage } from './messages';

/** The part of the Transport (transport/transport.ts) membership needs: the real one fits it as is. */
export interface MembershipTransport {
  send(toNodeId: string, message: MembershipMessage): boolean;
}

export type MemberEvent = Extract<MembershipEffect, { type: 'memberChanged' | 'memberRemoved' | 'removedFromCluster' | 'metadataChanged' }>;

/** How many member changes to `state` this node saw for one cause (`by`), since it started. */
export interface MemberChangeCount {
  readonly state: MemberState;
  readonly by: ChangeCause['by'] | 'none';
  readonly count: number;
}

/** What `remove` did: only a member believed down may be removed, and never this node. */
export type RemovalOutcome =
  | { readonly outcome: 'removed'; readonly previousState: MemberState; readonly name: string }
  | { readonly outcome: 'unknown' }
  | { readonly outcome: 'self' }
  | { readonly outcome: 'up'; readonly state: MemberState; readonly incarnation: number };

export interface MembershipServiceOptions {
  readonly self: LocalIdentity;
  readonly config: MembershipConfig;
  readonly transport: MembershipTransport;
  readonly clock: Clock;
  readonly metadata?: MemberMetadata;
  /** Members removed before this start (see InitialMembershipOptions.removed). */
  readonly removed?: InitialMembershipOptions['removed'];
  /** Seeds probe order; defaults to a random one. Tests pass a fixed seed. */
  readonly seed?: number;
}

/** After announcing `left`, keep answering pings this long so the news spreads before the node goes. */
const LEAVE_GRACE_GOSSIP_INTERVALS = 3;

export class MembershipService {
  readonly #options: MembershipServiceOptions;
  readonly #listeners = new Set<(event: MemberEvent) => void>();
  #state: MembershipState;
  /** Why each member is in its state, from the latest change that said (one entry per known member at most). */
  readonly #causes = new Map<string, ChangeCause>();
  /** Why each member dead by its suspicion's timeout was suspected in the first place. */
  readonly #suspicionCauses = new Map<string, ChangeCause>();
  /** Member changes seen since start, by new state and cause (at most 5 states × 5 causes). */
  readonly #changeCounts = new Map<string, MemberChangeCount>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #immediate: ReturnType<typeof setImmediate> | undefined;
  #started = false;
  #closing: Promise<void> | undefined;

  constructor(options: MembershipServiceOptions) {
    validateMembershipConfig(options.config);
    this.#options = options;
    // The incarnation starts at the wall clock so a restarted node outranks its previous life.
    this.#state = initialMembershipState({
      self: options.self,
      config: options.config,
      incarnation: options.clock.nowMs(),
      seed: options.seed ?? Math.floor(Math.random() * 2 ** 32),
      nowMs: options.clock.nowMs(),
      metadata: options.metadata,
      removed: options.removed,
    });
  }

  get state(): MembershipState {
    return this.#state;
  }

  /** Starts probing. Idempotent. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#schedule();
  }

  /** Announces `left`, lets it spread for a few gossip intervals, then stops. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#started) {
        this.#dispatch({ type: 'leave' });
        // Nobody left to tell (the last node of a cluster): no news to wait for.
        if (this.#anyOtherMemberUp()) await new Promise((resolve) => setTimeout(resolve, LEAVE_GRACE_GOSSIP_INTERVALS * this.#options.config.gossipIntervalMs));
      }
      this.#started = false;
      this.#cancelTimers();
    })();
    return this.#closing;
  }

  /** Removes a member believed down, for good, and gossips it; refuses an up member, itself, or an unknown one. */
  remove(nodeId: string): RemovalOutcome {
    const member = this.#state.members.get(nodeId);
    if (member === undefined) return { outcome: 'unknown' };
    if (nodeId === this.#options.self.nodeId) return { outcome: 'self' };
    if (isUp(member)) return { outcome: 'up', state: member.state, incarnation: member.incarnation };
    this.#dispatch({ type: 'remove', nodeId });
    return { outcome: 'removed', previousState: member.state, name: member.name };
  }

  peerUp(nodeId: string): void {
    this.#dispatch({ type: 'peerConnected', nodeId });
  }

  peerDown(nodeId: string): void {
    this.#dispatch({ type: 'peerDisconnected', nodeId });
  }

  /** Handles a peer message if it is a membership one (validating it again); false if it is not ours. */
  receive(fromNodeId: string, message: { readonly type: string }): boolean {
    if (!isMembershipMessageType(message.type)) return false;
    const parsed = parseMembershipMessage(message);
    if (parsed) this.#dispatch({ type: 'message', from: fromNodeId, message: parsed });
    return true;
  }

  /** This node's metadata from now on; `announce` sends it to every reachable member at once (see MembershipEvent). */
  setMetadata(metadata: MemberMetadata, options: { readonly announce?: boolean } = {}): void {
    this.#dispatch({ type: 'setMetadata', metadata, announce: options.announce === true });
  }

  /** Calls `listener` for every member change; returns the unsubscribe function. */
  onMemberEvent(listener: (event: MemberEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  members(): MemberSummary[] {
    return memberSummaries(this.#state, this.#options.clock.nowMs(), { causes: this.#causes, suspicionCauses: this.#suspicionCauses });
  }

  isHealthy(nodeId: string): boolean {
    return isHealthy(this.#state, nodeId);
  }

  knows(nodeId: string): boolean {
    return this.#state.members.has(nodeId);
  }

  /** What the member last reported about itself, first-hand; undefined for a member not known. */
  metadataOf(nodeId: string): MemberMetadata | undefined {
    return this.#state.members.get(nodeId)?.metadata;
  }

  isDown(nodeId: string): boolean {
    return isDown(this.#state, nodeId);
  }

  ringMemberIds(): string[] {
    return ringMemberIds(this.#state);
  }

  #anyOtherMemberUp(): boolean {
    return [...this.#state.members.values()].some((member) => member.nodeId !== this.#options.self.nodeId && (member.state === 'alive' || member.state === 'suspect'));
  }

  #dispatch(event: MembershipEvent): void {
    if (this.#closing && !this.#started) return;
    const { state, effects } = membershipStep(this.#state, event, this.#options.clock.nowMs());
    this.#state = state;
    for (const effect of effects) {
      if (effect.type === 'send') {
        this.#options.transport.send(effect.to, effect.message);
        continue;
      }
      this.#noteCause(effect);
      for (const listener of this.#listeners) listener(effect);
    }
    if (this.#started) this.#schedule();
  }

  /** Keeps the cause of each member's latest change: a change without one (a join, a refutation heard) clears it. */
  #noteCause(effect: MemberEvent): void {
    if (effect.type === 'memberChanged') {
      const { nodeId } = effect.member;
      // A suspicion that ran out keeps what started it: the story reads from the first missed ack.
      const suspectedFor = effect.previousState === 'suspect' && effect.cause?.by === 'timeout' ? this.#causes.get(nodeId) : undefined;
      if (suspectedFor === undefined) this.#suspicionCauses.delete(nodeId);
      else this.#suspicionCauses.set(nodeId, suspectedFor);
      if (effect.cause === undefined) this.#causes.delete(nodeId);
      else this.#causes.set(nodeId, effect.cause);
      this.#countChange(effect.member.state, effect.cause?.by ?? 'none');
    } else if (effect.type === 'memberRemoved') {
      this.#causes.delete(effect.nodeId);
      this.#suspicionCauses.delete(effect.nodeId);
    }
  }

  #countChange(state: MemberState, by: MemberChangeCount['by']): void {
    const key = `${state} ${by}`;
    const counted = this.#changeCounts.get(key);
    this.#changeCounts.set(key, { state, by, count: (counted?.count ?? 0) + 1 });
  }

  /**
   * Every member change this node has seen since start (joins, suspicions, deaths, refutations, leaves),
   * counted by the state it went to and why (`none`: a change that explains itself, a join or a return).
   */
  changeCounts(): MemberChangeCount[] {
    return [...this.#changeCounts.values()];
  }

  /** One timer, at the state's next deadline. */
  #schedule(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const delayMs = Math.max(0, nextDeadlineMs(this.#state) - this.#options.clock.nowMs());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // After an event-loop stall, messages that arrived meanwhile are handled before the tick (the
      // poll phase runs before setImmediate callbacks), so a late ack is not mistaken for a missing one.
      this.#immediate = setImmediate(() => {
        this.#immediate = undefined;
        this.#dispatch({ type: 'tick' });
      });
    }, delayMs);
  }

  #cancelTimers(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
  }
}
