// Activity: each node's request rate and p50/p99 latency over the last minutes (from its /stats), with
// cluster events drawn as markers, and one timeline of every node's recent events merged by time, each
// in the words the node gives it (the same sentence as `swarmkv up`'s log line), its fields on hover.
import type { ClusterPoller } from '../cluster-poller';
import { clock, shortId } from '../format';
import { html } from '../html';
import { HISTORY_MS, type StatsSample, type TimelineEvent } from '../activity-history';
import { LineChart, type Series } from './line-chart';
import { Scrollable } from './scrollable';

/** The shortest span a chart draws, so the first samples do not fill its whole width. */
const CHART_WINDOW_MS_MIN = 60_000;
/** Rows of the timeline shown; the history keeps more. */
const TIMELINE_ROWS_SHOWN = 100;

/** An event's fields as `name=value` pairs, shown when the pointer rests on its sentence. */
function fieldsTitle(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ')
    .slice(0, 500);
}

export function ActivityView({ poller }: { poller: ClusterPoller }) {
  const members = poller.reading.members();
  const nameOf = (nodeId: string) => members.find((member) => member.nodeId === nodeId)?.name ?? shortId(nodeId);
  const nodeIds = poller.activity.nodesWithSamples().sort();
  const seriesOf = (pick: (sample: StatsSample) => number | null): Series[] =>
    nodeIds.map((nodeId) => ({
      nodeId,
      name: nameOf(nodeId),
      points: poller.activity.samples(nodeId).flatMap((sample) => {
        const value = pick(sample);
        return value === null ? [] : [{ timeMs: sample.timeMs, value }];
      }),
    }));
  const timeline = poller.activity.timeline();
  const markers = timeline.map((event) => ({ timeMs: event.timeMs, label: `${clock(event.timeMs)} ${nameOf(event.nodeId)}: ${event.text}` }));
  const missing = members.filter((member) => poller.observations.latest(`http://${member.httpAddress}`, '/stats')?.ok === false);
  const nowMs = Date.now();
  // The charts span what has been gathered (at least a minute), up to the history kept.
  const earliestMs = Math.min(nowMs, ...nodeIds.map((nodeId) => poller.activity.samples(nodeId)[0]?.timeMs ?? nowMs));
  const windowMs = Math.min(HISTORY_MS, Math.max(CHART_WINDOW_MS_MIN, nowMs - earliestMs));
  return html`
    ${missing.length > 0 && html`<p class="note" data-testid="stats-missing">No statistics from ${missing.map((member) => member.name).join(', ')} on the last poll.</p>`}
    <div class="charts">
      <${LineChart} title="requests" unit="req/s" series=${seriesOf((sample) => sample.requestsPerSecond)} markers=${markers} nodeIds=${nodeIds} windowMs=${windowMs} nowMs=${nowMs} />
      <${LineChart} title="p50" unit="ms" series=${seriesOf((sample) => sample.p50Ms)} markers=${markers} nodeIds=${nodeIds} windowMs=${windowMs} nowMs=${nowMs} />
      <${LineChart} title="p99" unit="ms" series=${seriesOf((sample) => sample.p99Ms)} markers=${markers} nodeIds=${nodeIds} windowMs=${windowMs} nowMs=${nowMs} />
    </div>
    <h3>Events from every node</h3>
    <${Scrollable} label="Event timeline">
      <table data-testid="timeline" data-count=${timeline.length}>
        <thead><tr><th scope="col">Time</th><th scope="col">Node</th><th scope="col">What happened</th><th scope="col">Event</th></tr></thead>
        <tbody>
          ${timeline.slice(0, TIMELINE_ROWS_SHOWN).map(
            (event: TimelineEvent) => html`<tr data-event=${event.event} data-node-id=${event.nodeId} class=${`level-${event.level}`}>
              <td>${clock(event.timeMs)}</td><td>${nameOf(event.nodeId)}</td><td class=${`tone-${event.tone}`} title=${fieldsTitle(event.fields)}>${event.text}</td><td><small>${event.event}</small></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </${Scrollable}>
  `;
}
