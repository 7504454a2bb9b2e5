// Activity: each node's request rate and p50/p99 latency over the last minutes (from its /stats), with
// cluster events drawn as markers, and one timeline of every node's recent events merged by time, each
// in the words the node gives it (the same sentence as `swarmkv up`'s log line), its fields on hover.
// The timeline can be narrowed to one thread of what happens: a topic (membership, ring, replication,
// chaos, transport, node: each event's `topic`), one node, or only the doubtful and bad news.
import { useState } from 'preact/hooks';
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

const ALL = 'all';
const inputValue = (event: Event) => (event.target as HTMLInputElement | HTMLSelectElement).value;

interface TimelineFilter {
  readonly topic: string;
  readonly nodeId: string;
  readonly troubleOnly: boolean;
}

function passes(filter: TimelineFilter, event: TimelineEvent): boolean {
  if (filter.topic !== ALL && event.topic !== filter.topic) return false;
  if (filter.nodeId !== ALL && event.nodeId !== filter.nodeId) return false;
  return !filter.troubleOnly || event.tone === 'doubt' || event.tone === 'bad' || event.level !== 'info';
}

/** Topic buttons (each with how many of the kept events it holds), a node choice, and "only trouble". */
function TimelineFilterBar({ timeline, filter, setFilter, nameOf }: { timeline: readonly TimelineEvent[]; filter: TimelineFilter; setFilter: (next: TimelineFilter) => void; nameOf: (nodeId: string) => string }) {
  const counts = new Map<string, number>();
  for (const event of timeline) counts.set(event.topic, (counts.get(event.topic) ?? 0) + 1);
  const topics = [...counts.keys()].sort();
  const nodeIds = [...new Set(timeline.map((event) => event.nodeId))].sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
  const topicButton = (topic: string, label: string, count: number) =>
    html`<button type="button" aria-pressed=${filter.topic === topic ? 'true' : 'false'} data-topic=${topic} onClick=${() => setFilter({ ...filter, topic })}>${label} (${count})</button>`;
  return html`
    <div class="timeline-filter" role="group" aria-label="Filter the timeline" data-testid="timeline-filter">
      ${topicButton(ALL, 'everything', timeline.length)}
      ${topics.map((topic) => topicButton(topic, topic, counts.get(topic)!))}
      <label>node <select data-testid="timeline-node" value=${filter.nodeId} onChange=${(event: Event) => setFilter({ ...filter, nodeId: inputValue(event) })}>
        <option value=${ALL}>every node</option>
        ${nodeIds.map((nodeId) => html`<option value=${nodeId}>${nameOf(nodeId)}</option>`)}
      </select></label>
      <label><input type="checkbox" data-testid="timeline-trouble" checked=${filter.troubleOnly} onChange=${(event: Event) => setFilter({ ...filter, troubleOnly: (event.target as HTMLInputElement).checked })} /> only doubtful and bad news</label>
    </div>
  `;
}

export function ActivityView({ poller }: { poller: ClusterPoller }) {
  const [filter, setFilter] = useState<TimelineFilter>({ topic: ALL, nodeId: ALL, troubleOnly: false });
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
  const shown = timeline.filter((event) => passes(filter, event));
  const markers = shown.map((event) => ({ timeMs: event.timeMs, label: `${clock(event.timeMs)} ${nameOf(event.nodeId)}: ${event.text}` }));
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
    <${TimelineFilterBar} timeline=${timeline} filter=${filter} setFilter=${setFilter} nameOf=${nameOf} />
    <${Scrollable} label="Event timeline">
      <table data-testid="timeline" data-count=${timeline.length} data-shown=${shown.length}>
        <thead><tr><th scope="col">Time</th><th scope="col">Node</th><th scope="col">What happened</th><th scope="col">Event</th></tr></thead>
        <tbody>
          ${shown.slice(0, TIMELINE_ROWS_SHOWN).map(
            (event: TimelineEvent) => html`<tr data-event=${event.event} data-node-id=${event.nodeId} data-topic=${event.topic} data-tone=${event.tone} class=${`level-${event.level}`}>
              <td>${clock(event.timeMs)}</td><td>${nameOf(event.nodeId)}</td><td class=${`tone-${event.tone}`} title=${fieldsTitle(event.fields)}>${event.text}</td><td><small>${event.event}</small></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </${Scrollable}>
  `;
}
