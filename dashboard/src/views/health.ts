// Health: per node, the hints it holds for each target, anti-entropy's progress and last completed
// pass, its failure detector's record (suspicions, deaths, refutations), tombstones and storage bytes; and "Repair now", which starts a pass on the node that served
// the page (POST /cluster/repair) and follows it in the table.
import { useState } from 'preact/hooks';
import { request } from '../answer';
import { useAllowed } from './access-bar';
import type { ClusterHealthView, MemberView, NodeHealthView, RepairStatusView } from '../api-types';
import type { ClusterPoller } from '../cluster-poller';
import { failureDetectorText } from '../failure-detector';
import { bytes, shortId } from '../format';
import { html } from '../html';
import { originOf } from '../reading-node';
import { Scrollable } from './scrollable';

function repairText(repair: RepairStatusView): string {
  if (repair.running) return `running: ${repair.rangesDone}/${repair.rangesTotal} ranges, ${repair.keysRepaired} keys repaired, ${bytes(repair.bytesSent)} sent, ${bytes(repair.bytesReceived)} received`;
  const last = repair.lastCompleted;
  return last === null ? 'idle; no pass completed yet' : `idle; last pass finished ${last.finishedAt} in ${last.durationMs} ms, ${last.keysRepaired} keys repaired, ${bytes(last.bytesExchanged)} exchanged`;
}

function NodeRow({ poller, member, members }: { poller: ClusterPoller; member: MemberView; members: readonly MemberView[] }) {
  const origin = originOf(member.httpAddress);
  const cluster = poller.observations.latest<ClusterHealthView>(origin, '/cluster/health');
  const node = poller.observations.body<NodeHealthView>(origin, '/health');
  const nameOf = (nodeId: string) => members.find((candidate) => candidate.nodeId === nodeId)?.name ?? shortId(nodeId);
  if (cluster === undefined) return html`<tr data-node-id=${member.nodeId}><th scope="row">${member.name}</th><td colspan="6">asking…</td></tr>`;
  if (!cluster.ok) return html`<tr data-node-id=${member.nodeId} data-reachable="no"><th scope="row">${member.name}</th><td colspan="6" class="unreachable">${cluster.problem}</td></tr>`;
  const { hints, repair } = cluster.body;
  // A node older than the failure detector's record answers without it.
  const changes = cluster.body.membership?.changes ?? [];
  return html`
    <tr data-node-id=${member.nodeId} data-reachable="yes" data-hints=${hints.pending} data-repair-running=${repair.running ? 'yes' : 'no'} data-repair-done=${repair.rangesDone} data-repair-total=${repair.rangesTotal}>
      <th scope="row">${member.name}</th>
      <td>${hints.pending} (${bytes(hints.bytes)})${hints.byTarget.length > 0 && html`<br /><small>${hints.byTarget.map((target) => `${target.count} for ${nameOf(target.nodeId)}`).join(', ')}</small>`}<br /><small>${hints.delivered} delivered, ${hints.overflowed} refused, ${hints.missed} kept for missed writes</small></td>
      <td>${repair.running && html`<progress max=${Math.max(1, repair.rangesTotal)} value=${repair.rangesDone} aria-label=${`repair progress of ${member.name}`}></progress> `}${repairText(repair)}</td>
      <td data-field="failure-detector">${failureDetectorText(changes)}</td>
      <td class="number">${node?.storage.liveKeys ?? '–'}</td>
      <td class="number">${node?.storage.tombstones ?? '–'}</td>
      <td class="number">${node === undefined ? '–' : bytes(node.storage.bytes)}</td>
    </tr>
  `;
}

function RepairButton({ poller }: { poller: ClusterPoller }) {
  const [message, setMessage] = useState<string | null>(null);
  const origin = poller.reading.servingOrigin;
  const start = async () => {
    setMessage('Starting…');
    const answer = await request<RepairStatusView>(`${origin}/cluster/repair`, { method: 'POST' });
    setMessage(answer.ok ? `Started on ${origin.replace('http://', '')}: ${repairText(answer.body)}` : answer.status === 409 ? 'A pass is already running on this node; its progress is in the table.' : `Not started: ${answer.problem}`);
  };
  return html`
    <div class="repair">
      <button type="button" onClick=${() => void start()} data-testid="repair-now">Repair now</button>
      <span role="status" data-testid="repair-message">${message ?? `Starts an anti-entropy pass on ${origin.replace('http://', '')}.`}</span>
    </div>
  `;
}

export function HealthView({ poller }: { poller: ClusterPoller }) {
  const members = [...poller.reading.members()].sort((a, b) => a.name.localeCompare(b.name));
  return html`
    ${useAllowed('admin') && html`<${RepairButton} poller=${poller} />`}
    <${Scrollable} label="Health per node">
      <table data-testid="health">
        <thead><tr><th scope="col">Node</th><th scope="col">Hints held</th><th scope="col">Anti-entropy</th><th scope="col">Failure detector</th><th scope="col">Live keys</th><th scope="col">Tombstones</th><th scope="col">Storage</th></tr></thead>
        <tbody>${members.map((member) => html`<${NodeRow} key=${member.nodeId} poller=${poller} member=${member} members=${members} />`)}</tbody>
      </table>
    </${Scrollable}>
  `;
}
