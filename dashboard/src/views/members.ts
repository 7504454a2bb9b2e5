// Members: every member as the reading node sees it (state, incarnation, time since last heard, keys,
// hints other nodes hold for it, its clock's offset), then how each node sees the others.
import { useEffect } from 'preact/hooks';
import type { ClusterHealthView, MemberView } from '../api-types';
import type { ClusterPoller } from '../cluster-poller';
import { ago, duration, latency, offset, shortId } from '../format';
import { html } from '../html';
import { originOf } from '../reading-node';
import { MemberMatrix } from './member-matrix';
import { StateBadge } from './state-badge';
import { Scrollable } from './scrollable';

/** Hints held anywhere in the cluster for each target node, from every node's /cluster/health. */
function hintBacklog(poller: ClusterPoller, members: readonly MemberView[]): Map<string, number | null> {
  const backlog = new Map<string, number | null>();
  for (const member of members) backlog.set(member.nodeId, 0);
  for (const holder of members) {
    const health = poller.observations.body<ClusterHealthView>(originOf(holder.httpAddress), '/cluster/health');
    if (health === undefined) continue;
    for (const target of health.hints.byTarget) backlog.set(target.nodeId, (backlog.get(target.nodeId) ?? 0) + target.count);
  }
  return backlog;
}

function MemberRow({ member, backlog }: { member: MemberView; backlog: number | null | undefined }) {
  return html`
    <tr data-node-id=${member.nodeId} data-name=${member.name} data-state=${member.state} data-incarnation=${member.incarnation}>
      <th scope="row">${member.name}${member.self ? ' (reading)' : ''}</th>
      <td><code title=${member.nodeId}>${shortId(member.nodeId)}</code></td>
      <td><a href=${`${originOf(member.httpAddress)}/dashboard/`}>${member.httpAddress}</a></td>
      <td data-field="state" title=${member.why ?? undefined}><${StateBadge} state=${member.state} /> <span class="state-age" data-field="state-age">${duration(member.stateAgeMs)}</span></td>
      <td class="number" data-field="incarnation">${member.incarnation}</td>
      <td class="number">${member.self ? 'self' : ago(member.heartbeatAgeMs)}</td>
      <td class="number">${member.keyCount ?? '–'}</td>
      <td class="number" data-field="hint-backlog">${backlog ?? '–'}</td>
      <td class="number" data-field="clock-offset">${offset(member.clockOffsetMs)}</td>
      <td class="number" data-field="answers" data-asked-last=${member.askedLast ? 'yes' : 'no'}>${member.answerMs === null ? '–' : `${latency(member.answerMs)}${member.askedLast ? ', asked last' : ''}`}</td>
    </tr>
  `;
}

/**
 * Why each member that is not simply alive is in its state, as the reading node knows it: the probe
 * that failed and whom it asked, the suspicion that ran out, whose gossip said so, a refutation.
 */
function MemberReasons({ members }: { members: readonly MemberView[] }) {
  const explained = members.filter((member) => member.why !== null);
  if (explained.length === 0) return null;
  return html`
    <ul class="member-reasons" data-testid="member-reasons">
      ${explained.map(
        (member) => html`<li key=${member.nodeId} data-node-id=${member.nodeId} data-state=${member.state}>
          <strong>${member.name}</strong> ${member.self ? 'is alive' : `is ${member.state}`} for ${duration(member.stateAgeMs)}: ${member.why}
        </li>`,
      )}
    </ul>
  `;
}

export function MembersView({ poller }: { poller: ClusterPoller }) {
  const members = [...poller.reading.members()].sort((a, b) => a.name.localeCompare(b.name));
  useEffect(() => {
    if (members.length > 0 && poller.firstRenderMs === null) poller.firstRenderMs = Math.round(performance.now());
  }, [members.length > 0]);
  if (members.length === 0) return html`<p data-testid="members-empty">Waiting for a member list…</p>`;
  const backlog = hintBacklog(poller, members);
  const readingName = members.find((member) => member.self)?.name ?? 'the reading node';
  const clock = poller.reading.clock();
  return html`
    <section aria-labelledby="members-heading">
      <h3 id="members-heading">Members as ${readingName} sees them</h3>
      ${clock !== null && !clock.synchronized && html`<p class="banner-warn" role="status" data-testid="clock-refusing">
        ${readingName} refuses writes: its clock is ${offset(clock.offsetMs)} off its cluster's, beyond its bound of ${clock.maxOffsetMs} ms (--max-clock-offset-ms). The other members take writes meanwhile.
      </p>`}
      <${Scrollable} label="Members table">
        <table data-testid="members" data-first-render-ms=${poller.firstRenderMs ?? ''}>
          <thead>
            <tr>
              <th scope="col">Name</th><th scope="col">Node id</th><th scope="col">HTTP address</th><th scope="col">State</th>
              <th scope="col">Incarnation</th><th scope="col">Heard</th><th scope="col">Keys</th><th scope="col">Hint backlog</th><th scope="col">Clock</th><th scope="col">Answers</th>
            </tr>
          </thead>
          <tbody>
            ${members.map((member) => html`<${MemberRow} key=${member.nodeId} member=${member} backlog=${backlog.get(member.nodeId)} />`)}
          </tbody>
        </table>
      </${Scrollable}>
      <${MemberReasons} members=${members} />
      <p class="note">State: each member's state and how long the reading node has seen it in it; below the table, why a member is suspect or dead (or why the reading node refuted a suspicion of itself), as the reading node knows it. Heard: time since the reading node last heard from the member. Hint backlog: writes other nodes hold for it until it is back. Clock: how far the member's clock is ahead (+) or behind (-) the reading node's, and the reading node's own from its cluster's; a node further off than its bound (--max-clock-offset-ms, 500 ms by default) from most of its peers refuses writes. Answers: how long the member has lately taken to answer the reading node's replica reads and writes (a moving average); "asked last": it answers clearly slower than another member, so the reading node's reads ask it after a key's other replicas.</p>
    </section>
    <${MemberMatrix} poller=${poller} members=${members} />
  `;
}
