// What the chaos commands print for people: each member's faults in a table, and the events of every
// member on one timeline, oldest first, so a partition on one side and the heal on the other read
// in the order they happened.

import { renderTable } from '../table';
import { formatDuration } from './chaos-duration';
import type { ChaosOutcome } from './chaos-fan-out';
import { describeHold, type ChaosEvent, type ChaosState } from '../../../node/src';

export { describeHold } from '../../../node/src';

/** The timeline shows the most recent events up to this many. */
export const TIMELINE_EVENTS_SHOWN_MAX = 40;

export interface TimelineEvent extends ChaosEvent {
  /** The member that recorded it. */
  readonly node: string;
}

/** Every member's events on one timeline, oldest first (ties by member name). */
export function mergeTimelines(states: readonly ChaosState[]): TimelineEvent[] {
  const events = states.flatMap((state) => state.events.map((event) => ({ ...event, node: state.name })));
  return events.sort((a, b) => a.atMs - b.atMs || a.node.localeCompare(b.node));
}

/** The preposition before an event's peers: a partition from them, a heal with them, a delay to them. */
const PEER_WORD: Partial<Record<TimelineEvent['kind'], string>> = { heal: 'with', delay: 'to' };


/** One event in words: `12:00:03.120 n1 partition from n3 for 30s (run plan-7)`. */
export function describeEvent(event: TimelineEvent): string {
  const time = new Date(event.atMs).toISOString().slice(11, 23);
  const peers = event.peers === undefined || event.peers.length === 0 ? '' : ` ${PEER_WORD[event.kind] ?? 'from'} ${event.peers.join(', ')}`;
  const hold = event.delayMs === undefined ? '' : ` ${describeHold(event.delayMs, event.jitterMs)}`;
  // A resume reports how long the pause it ends lasted.
  const duration = event.durationMs === undefined ? '' : ` ${event.kind === 'resume' ? 'after' : 'for'} ${formatDuration(event.durationMs)}`;
  const offset = event.offsetMs === undefined ? '' : ` clock ${event.offsetMs >= 0 ? '+' : ''}${formatDuration(event.offsetMs)}`;
  const restart = event.restartAfterMs === undefined ? '' : `, restarted by up after ${formatDuration(event.restartAfterMs)}`;
  const run = event.run === undefined ? '' : ` (run ${event.run})`;
  return `${time} ${event.node} ${event.kind}${peers}${hold}${duration}${offset}${restart}${run}`;
}

/** Until when, in words, relative to now: `12s left`, or `until healed`. */
function remaining(untilMs: number | null, nowMs: number): string {
  return untilMs === null ? 'until healed' : `${formatDuration(Math.max(0, Math.ceil((untilMs - nowMs) / 1000)) * 1000)} left`;
}

/** The status table: one row per member asked, `?` where it did not answer. */
export function statusTable(outcomes: readonly ChaosOutcome[], nowMs: number): string {
  const rows = outcomes.map(({ target, ok, body, error }) => {
    // A node started without --chaos answers 404 chaos_disabled: it is up, only not a chaos node.
    if (!ok) return [target.name, error?.startsWith('chaos_disabled') === true ? 'off' : 'no answer', '?', '?', '?', '?', error ?? ''];
    const state = body as ChaosState;
    const partition = state.partition.peers.length === 0 ? '-' : `${state.partition.peers.map((peer) => peer.name).join(', ')} (${remaining(state.partition.untilMs, nowMs)})`;
    const delayed = state.delayed.length === 0 ? '-' : state.delayed.map((peer) => `${peer.name} ${describeHold(peer.delayMs, peer.jitterMs)} (${remaining(peer.untilMs, nowMs)})`).join(', ');
    const paused = state.pausedUntilMs === null || state.pausedUntilMs <= nowMs ? '-' : remaining(state.pausedUntilMs, nowMs);
    const offset = state.clockOffsetMs === 0 ? '-' : `${state.clockOffsetMs > 0 ? '+' : ''}${formatDuration(state.clockOffsetMs)}`;
    return [target.name, 'on', partition, delayed, paused, offset, ''];
  });
  return renderTable(['member', 'chaos', 'cut off from', 'slow to', 'paused', 'clock', 'note'], rows);
}

/** The last TIMELINE_EVENTS_SHOWN_MAX events as lines, with a line saying how many were left out. */
export function timelineLines(events: readonly TimelineEvent[]): string[] {
  if (events.length === 0) return ['no chaos events yet'];
  const shown = events.slice(-TIMELINE_EVENTS_SHOWN_MAX);
  const omitted = events.length - shown.length;
  return [...(omitted > 0 ? [`(${omitted} earlier events not shown; --json has them all)`] : []), ...shown.map(describeEvent)];
}
