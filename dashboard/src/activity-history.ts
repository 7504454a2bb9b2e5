// What the Activity view draws, gathered on every poll: each node's /stats sample over the last minutes,
// and a timeline of every node's recent events (/cluster/events, paged by seq), merged by time.
import type { ClusterEvent, EventsPage, StatsView } from './api-types';
import type { Observations } from './observations';

/** How far back the charts reach. */
export const HISTORY_MS = 5 * 60_000;
/** Events kept in the merged timeline, newest first; older ones drop off. */
export const TIMELINE_EVENTS_MAX = 400;
/** Events asked of one node per poll. */
const EVENTS_PAGE_LIMIT = 100;

export interface StatsSample {
  readonly timeMs: number;
  readonly requestsPerSecond: number;
  /** null when the node finished no request in its stats window: nothing to measure, drawn as no point. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

export interface TimelineEvent extends ClusterEvent {
  readonly nodeId: string;
  readonly timeMs: number;
}

export class ActivityHistory {
  readonly #observations: Observations;
  readonly #samples = new Map<string, StatsSample[]>();
  readonly #cursors = new Map<string, number>();
  /** Each node's startedAt as last seen: a change is a restart. */
  readonly #lives = new Map<string, string>();
  #timeline: TimelineEvent[] = [];

  constructor(observations: Observations) {
    this.#observations = observations;
  }

  samples(nodeId: string): readonly StatsSample[] {
    return this.#samples.get(nodeId) ?? [];
  }

  nodesWithSamples(): string[] {
    return [...this.#samples.keys()];
  }

  timeline(): readonly TimelineEvent[] {
    return this.#timeline;
  }

  poll(origins: readonly string[]): void {
    for (const origin of origins) {
      void this.#observations.refresh<StatsView>(origin, '/stats').then((answer) => {
        if (answer?.ok) this.#addSample(answer.body);
      });
      const after = this.#cursors.get(origin);
      const path = `/cluster/events?limit=${EVENTS_PAGE_LIMIT}${after === undefined ? '' : `&after=${after}`}`;
      if (this.#observations.inflight(origin, path)) continue;
      void this.#observations.refresh<EventsPage>(origin, path).then((answer) => {
        if (!answer?.ok) return;
        // A restarted node (a new startedAt) numbers its events from 1 again: read its buffer from the
        // start then, so its first events (joining, listening) are kept.
        const previousLife = this.#lives.get(origin);
        this.#lives.set(origin, answer.body.startedAt);
        if (after !== undefined && previousLife !== undefined && previousLife !== answer.body.startedAt) {
          this.#cursors.set(origin, 0);
          return;
        }
        this.#cursors.set(origin, answer.body.next);
        this.#addEvents(answer.body);
      });
    }
  }

  #addSample(stats: StatsView): void {
    const samples = this.#samples.get(stats.nodeId) ?? [];
    const timeMs = Date.parse(stats.time);
    if (samples.at(-1)?.timeMs === timeMs) return;
    samples.push({ timeMs, requestsPerSecond: stats.requestsPerSecond, p50Ms: stats.latencyMs.p50, p99Ms: stats.latencyMs.p99 });
    while (samples.length > 0 && samples[0]!.timeMs < timeMs - HISTORY_MS) samples.shift();
    this.#samples.set(stats.nodeId, samples);
  }

  #addEvents(page: EventsPage): void {
    if (page.events.length === 0) return;
    // A node older than the events' topics: the first word of the name stands for it.
    const added = page.events.map((event) => ({ ...event, topic: event.topic ?? event.event.split('.', 1)[0]!, nodeId: page.nodeId, timeMs: Date.parse(event.time) }));
    this.#timeline = [...this.#timeline, ...added].sort((a, b) => b.timeMs - a.timeMs).slice(0, TIMELINE_EVENTS_MAX);
  }
}
