// The chaos panel, under the members: shown only when the node that served the dashboard serves the
// chaos API (started with --chaos, as `swarmkv up` starts its nodes) and the tab's token is admin.
// It injects faults into that node through its own API (docs/chaos.md): a partition from the members
// ticked in the builder (one-sided, yet the link is cut both ways; membership calls a node dead only
// once it is cut off from every other, docs/chaos.md), a delay of what it sends them (a slow link one
// way), heal, a clock offset, a pause, a kill; and it
// shows that node's chaos events, oldest first. The browser may only change the node that served the
// page (writes stay same-origin): faults on the other members go through `swarmkv chaos`, or through
// the dashboard each of them serves.

import { useEffect, useState } from 'preact/hooks';
import type { ChaosEvent, ChaosState } from '../../../node/src';
import { request } from '../answer';
import type { ClusterPoller } from '../cluster-poller';
import { html } from '../html';
import { useAllowed } from './access-bar';

/** The panel reads the node's chaos state this often, like the dashboard's own polls. */
const CHAOS_POLL_MS = 1000;
/** Inputs take seconds (a delay milliseconds); the node's own limits apply (pause <= 60 s, offset <= a day, partition <= an hour, delay <= 10 s). */
const MS_PER_SECOND = 1000;
/** The run label of the faults injected from this panel, so their events say where they came from. */
const DASHBOARD_RUN = 'dashboard';
/** A counter only a node serving the chaos API registers. */
const CHAOS_METRIC = 'swarmkv_chaos_faults_total';

/**
 * Whether the node serves the chaos API, asked once per node. A node without it answers /chaos 404,
 * which the browser logs as an error on every poll; its /metrics has the chaos counters only when the
 * API is on (main-chaos.ts), so the panel asks there first and never polls /chaos on other nodes.
 */
function useChaosEnabled(origin: string, admin: boolean): boolean {
  const [enabled, setEnabled] = useState(false);
  useEffect(() => {
    setEnabled(false);
    if (!admin) return;
    let live = true;
    void request<string>(`${origin}/metrics`).then((answer) => live && setEnabled(answer.ok && typeof answer.body === 'string' && answer.body.includes(CHAOS_METRIC)));
    return () => {
      live = false;
    };
  }, [origin, admin]);
  return enabled;
}

function useChaosState(origin: string, enabled: boolean): [ChaosState | null, () => void] {
  const [state, setState] = useState<ChaosState | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (!enabled) return setState(null);
    let live = true;
    const read = () => void request<ChaosState>(`${origin}/chaos`).then((answer) => live && setState(answer.ok ? answer.body : null));
    read();
    const timer = setInterval(read, CHAOS_POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [origin, enabled, generation]);
  return [state, () => setGeneration((value) => value + 1)];
}

/** A delay's hold in words: `by 200 ms`, `by 200 ms + up to 50 ms`, or `lifted`. */
function describeHold(delayMs: number, jitterMs: number | undefined): string {
  if (delayMs === 0) return 'lifted';
  return `by ${delayMs} ms${jitterMs === undefined || jitterMs === 0 ? '' : ` + up to ${jitterMs} ms`}`;
}

/** The preposition before an event's peers: a partition from them, a heal with them, a delay to them. */
const PEER_WORD: Partial<Record<ChaosEvent['kind'], string>> = { heal: 'with', delay: 'to' };

function describeEvent(event: ChaosEvent): string {
  const peers = event.peers === undefined || event.peers.length === 0 ? '' : ` ${PEER_WORD[event.kind] ?? 'from'} ${event.peers.join(', ')}${event.delayMs === undefined ? '' : ` ${describeHold(event.delayMs, event.jitterMs)}`}`;
  // A resume reports how long the pause it ends lasted.
  const duration = event.durationMs === undefined ? '' : ` ${event.kind === 'resume' ? 'after' : 'for'} ${event.durationMs / MS_PER_SECOND} s`;
  const offset = event.offsetMs === undefined ? '' : ` clock ${event.offsetMs >= 0 ? '+' : ''}${event.offsetMs / MS_PER_SECOND} s`;
  const restart = event.restartAfterMs === undefined ? '' : `, restarted by up after ${event.restartAfterMs / MS_PER_SECOND} s`;
  return `${event.kind}${peers}${duration}${offset}${restart}${event.run === undefined ? '' : ` (run ${event.run})`}`;
}

function FaultSummary({ state }: { state: ChaosState }) {
  const now = Date.now();
  const cutOff = state.partition.peers.map((peer) => peer.name).join(', ');
  const lasting = (untilMs: number | null) => (untilMs === null ? ', until healed' : `, for ${Math.max(0, Math.ceil((untilMs - now) / MS_PER_SECOND))} s more`);
  const slow = state.delayed.map((peer) => `${peer.name} ${describeHold(peer.delayMs, peer.jitterMs)}${lasting(peer.untilMs)}`).join('; ');
  return html`
    <dl class="chaos-state facts" data-testid="chaos-state" data-partitioned=${cutOff} data-delayed=${state.delayed.map((peer) => peer.name).join(', ')} data-clock-offset-ms=${state.clockOffsetMs}>
      <dt>Cut off from</dt><dd>${cutOff.length === 0 ? 'nobody' : `${cutOff}${lasting(state.partition.untilMs)}`}</dd>
      <dt>Messages delayed to</dt><dd>${slow.length === 0 ? 'nobody' : slow}</dd>
      <dt>Clock</dt><dd>${state.clockOffsetMs === 0 ? 'real time' : `${state.clockOffsetMs > 0 ? '+' : ''}${state.clockOffsetMs / MS_PER_SECOND} s off real time`}</dd>
    </dl>
  `;
}

function Timeline({ events }: { events: readonly ChaosEvent[] }) {
  if (events.length === 0) return html`<p class="note" data-testid="chaos-events">No chaos events yet.</p>`;
  return html`
    <ol class="chaos-events" data-testid="chaos-events">
      ${events.map((event) => html`<li data-kind=${event.kind}><time datetime=${new Date(event.atMs).toISOString()}>${new Date(event.atMs).toISOString().slice(11, 23)}</time> ${describeEvent(event)}</li>`)}
    </ol>
  `;
}

/** A number input in seconds, as milliseconds; null when empty or not a number. */
function secondsToMs(text: string): number | null {
  const seconds = Number(text);
  return text.trim().length === 0 || !Number.isFinite(seconds) ? null : Math.round(seconds * MS_PER_SECOND);
}

function Controls({ origin, state, others, changed }: { origin: string; state: ChaosState; others: { nodeId: string; name: string }[]; changed: () => void }) {
  const [picked, setPicked] = useState<string[]>([]);
  const [partitionSeconds, setPartitionSeconds] = useState('30');
  const [delayMs, setDelayMs] = useState('200');
  const [offsetSeconds, setOffsetSeconds] = useState('60');
  const [pauseSeconds, setPauseSeconds] = useState('8');
  const [restartSeconds, setRestartSeconds] = useState('20');
  const [message, setMessage] = useState<string | null>(null);
  const send = async (method: string, path: string, body: Record<string, unknown>, done: string) => {
    const answer = await request<unknown>(`${origin}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, run: DASHBOARD_RUN }) });
    setMessage(answer.ok ? done : `Refused: ${answer.problem}`);
    changed();
  };
  const durationMs = secondsToMs(partitionSeconds);
  // Only a node `swarmkv up` supervises can be brought back by its kill; another stays dead until started by hand.
  const restartAfterMs = state.supervised ? secondsToMs(restartSeconds) : null;
  const killed = restartAfterMs === null ? 'the dashboard reads through another member now' : `swarmkv up starts it again in ${restartAfterMs / MS_PER_SECOND} s; the dashboard reads through another member meanwhile`;
  const toggle = (nodeId: string) => setPicked(picked.includes(nodeId) ? picked.filter((id) => id !== nodeId) : [...picked, nodeId]);
  return html`
    <fieldset class="chaos-partition">
      <legend>The links from ${state.name} to</legend>
      ${others.map((member) => html`<label><input type="checkbox" checked=${picked.includes(member.nodeId)} onChange=${() => toggle(member.nodeId)} data-testid=${`chaos-peer-${member.name}`} /> ${member.name}</label>`)}
      <label>for <input type="number" min="1" max="3600" value=${partitionSeconds} onInput=${(event: Event) => setPartitionSeconds((event.target as HTMLInputElement).value)} data-testid="chaos-partition-seconds" /> s (empty: until healed)</label>
      <button type="button" disabled=${picked.length === 0} data-testid="chaos-partition" onClick=${() => void send('POST', '/chaos/partition', { peers: picked, ...(durationMs === null ? {} : { durationMs }) }, `${state.name} partitioned`)}>Partition</button>
      <label>each message <input type="number" min="0" max="10000" value=${delayMs} onInput=${(event: Event) => setDelayMs((event.target as HTMLInputElement).value)} data-testid="chaos-delay-ms" /> ms later</label>
      <button type="button" disabled=${picked.length === 0} data-testid="chaos-delay" onClick=${() => void send('POST', '/chaos/delay', { peers: picked, delayMs: Number(delayMs), ...(durationMs === null || Number(delayMs) === 0 ? {} : { durationMs }) }, `${state.name}'s messages to them delayed`)}>Delay</button>
      <button type="button" data-testid="chaos-heal" onClick=${() => void send('DELETE', '/chaos/partition', {}, `${state.name} healed`)}>Heal all</button>
    </fieldset>
    <fieldset class="chaos-node">
      <legend>${state.name} itself</legend>
      <label>Clock offset <input type="number" min="-86400" max="86400" value=${offsetSeconds} onInput=${(event: Event) => setOffsetSeconds((event.target as HTMLInputElement).value)} data-testid="chaos-offset-seconds" /> s</label>
      <button type="button" data-testid="chaos-skew" onClick=${() => void send('POST', '/chaos/skew', { offsetMs: secondsToMs(offsetSeconds) ?? 0 }, `${state.name}'s clock set`)}>Skew the clock</button>
      <label>Pause for <input type="number" min="1" max="60" value=${pauseSeconds} onInput=${(event: Event) => setPauseSeconds((event.target as HTMLInputElement).value)} data-testid="chaos-pause-seconds" /> s</label>
      <button type="button" data-testid="chaos-pause" onClick=${() => void send('POST', '/chaos/pause', { durationMs: secondsToMs(pauseSeconds) ?? 0 }, `${state.name} paused: it answers nothing until it resumes`)}>Pause</button>
      ${state.supervised
        ? html`<label>Restart after <input type="number" min="0" max="600" value=${restartSeconds} onInput=${(event: Event) => setRestartSeconds((event.target as HTMLInputElement).value)} data-testid="chaos-restart-seconds" /> s (empty: stays dead)</label>`
        : null}
      <button type="button" class="danger" data-testid="chaos-kill" onClick=${() => void send('POST', '/chaos/kill', restartAfterMs === null ? {} : { restartAfterMs }, `${state.name} killed (SIGKILL): ${killed}`)}>Kill</button>
    </fieldset>
    <p role="status" data-testid="chaos-message">${message ?? html`Faults go to ${state.name} only. For another member, open the dashboard it serves (its address in the table above) or use <code>swarmkv chaos</code>, which reaches every member.`}</p>
  `;
}

export function ChaosPanel({ poller }: { poller: ClusterPoller }) {
  const admin = useAllowed('admin');
  // The node that served the page: the only one a browser may send faults to (writes stay same-origin).
  const origin = poller.reading.servingOrigin;
  const [state, changed] = useChaosState(origin, useChaosEnabled(origin, admin));
  if (!admin || state === null) return null;
  const others = poller.reading.members().filter((member) => member.nodeId !== state.nodeId && member.state !== 'left' && member.state !== 'removed');
  return html`
    <section class="chaos" aria-labelledby="chaos-heading" data-testid="chaos">
      <h3 id="chaos-heading">Chaos on ${state.name}</h3>
      <${FaultSummary} state=${state} />
      <${Controls} origin=${origin} state=${state} others=${others} changed=${changed} />
      <h4>Chaos events of ${state.name}</h4>
      <${Timeline} events=${state.events} />
    </section>
  `;
}
