// The dashboard's one clock: every poll interval it asks the nodes what the current view needs (and the
// member list always, so failover works from any view), never more than one request per (node, route)
// at a time; the Activity view's history starts when it is first opened.
// Views read the latest answers from here and re-render on each.
import { ActivityHistory } from './activity-history';
import type { RingView } from './api-types';
import { Observations } from './observations';
import { MEMBERS_PATH, originOf, ReadingNode } from './reading-node';
import { REBALANCE_PATH } from './rebalance-merge';
import type { ViewName } from './settings';

/** Ring changes listed in the Ring view, newest first. */
export const RING_CHANGES_KEPT_MAX = 20;

export interface RingChange {
  readonly timeMs: number;
  readonly fromDigest: string | null;
  readonly toDigest: string;
  readonly joined: string[];
  readonly left: string[];
}

export class ClusterPoller {
  readonly observations = new Observations();
  readonly reading: ReadingNode;
  readonly activity = new ActivityHistory(this.observations);
  readonly ringChanges: RingChange[] = [];
  /** Milliseconds from navigation start to the first member list on screen (set by the view). */
  firstRenderMs: number | null = null;
  /** When a member list last arrived, from any node: the page shows it, and tests wait on it. */
  lastUpdateMs: number | null = null;
  #lastRing: RingView | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #view: ViewName = 'members';
  #explainKey: string | null = null;

  constructor(servingOrigin: string) {
    this.reading = new ReadingNode(servingOrigin, this.observations);
    this.observations.subscribe(() => this.#noticeUpdates());
  }

  start(pollMs: number): void {
    this.stop();
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), pollMs);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  show(view: ViewName, explainKey: string | null): void {
    const changed = view !== this.#view || explainKey !== this.#explainKey;
    this.#view = view;
    this.#explainKey = explainKey;
    if (changed) this.#tick();
  }

  /** Every member's origin as the reading node lists them. */
  memberOrigins(): string[] {
    return this.reading.members().map((member) => originOf(member.httpAddress));
  }

  ring(): RingView | undefined {
    return this.observations.body<RingView>(this.reading.origin, '/cluster/ring');
  }

  explainPath(key: string): string {
    return `/cluster/explain/${encodeURIComponent(key)}`;
  }

  #tick(): void {
    this.reading.poll();
    const origins = this.memberOrigins();
    const view = this.#view;
    if (view === 'activity') this.activity.poll(origins);
    if (view === 'members') for (const origin of origins) this.#refreshAll(origin, [MEMBERS_PATH, '/cluster/health']);
    if (view === 'health') for (const origin of origins) this.#refreshAll(origin, ['/cluster/health', '/health']);
    // Each node lists only the transfers into it, so every member is asked.
    if (view === 'rebalance') for (const origin of origins) this.#refreshAll(origin, [REBALANCE_PATH]);
    // The ring always, so the Ring view lists every change since the page opened.
    void this.observations.refresh<RingView>(this.reading.origin, '/cluster/ring');
    if (view === 'explain' && this.#explainKey !== null) void this.observations.refresh(this.reading.origin, this.explainPath(this.#explainKey));
  }

  #refreshAll(origin: string, paths: string[]): void {
    for (const path of paths) void this.observations.refresh(origin, path);
  }

  #noticeUpdates(): void {
    const members = this.observations.latest(this.reading.origin, MEMBERS_PATH);
    if (members?.ok) this.lastUpdateMs = Math.max(this.lastUpdateMs ?? 0, members.receivedAtMs);
    const ring = this.ring();
    if (ring === undefined || ring.digest === this.#lastRing?.digest) return;
    const before = this.#lastRing;
    this.#lastRing = ring;
    this.ringChanges.unshift({
      timeMs: Date.now(),
      fromDigest: before?.digest ?? null,
      toDigest: ring.digest,
      joined: before === null ? [] : ring.members.filter((nodeId) => !before.members.includes(nodeId)),
      left: before === null ? [] : before.members.filter((nodeId) => !ring.members.includes(nodeId)),
    });
    this.ringChanges.splice(RING_CHANGES_KEPT_MAX);
  }
}

