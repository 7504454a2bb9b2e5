// Rebalance: every range transfer in the cluster, merged from each member's GET /cluster/rebalance
// (a node lists the transfers into it): in progress and queued with a progress bar, rate and ETA, the
// last finished ones, and per node its ownership and what it has streamed in. Read-only.
import type { ClusterPoller } from '../cluster-poller';
import { bytes, shortId } from '../format';
import { html } from '../html';
import { isReply, mergeRebalance, type NodeRebalance, type ReportedTransfer } from '../rebalance-merge';
import { Scrollable } from './scrollable';
import { ActiveTransferRow, FinishedTransferRow, type NameOf } from './transfer-rows';

const transferKey = (transfer: ReportedTransfer) => `${transfer.reportedBy}:${transfer.range.start}:${transfer.range.end}:${transfer.finishedAt ?? ''}`;

function ActiveTable({ label, transfers, nameOf }: { label: string; transfers: readonly ReportedTransfer[]; nameOf: NameOf }) {
  return html`
    <${Scrollable} label=${label}>
      <table aria-label=${label} data-testid=${label === 'Queued transfers' ? 'transfers-queued' : 'transfers-in-progress'}>
        <caption>${label} (${transfers.length})</caption>
        <thead><tr><th scope="col">Range</th><th scope="col">Source → target</th><th scope="col">Keys</th><th scope="col">Bytes</th><th scope="col">Rate</th><th scope="col">ETA</th></tr></thead>
        <tbody>${transfers.map((transfer) => html`<${ActiveTransferRow} key=${transferKey(transfer)} transfer=${transfer} nameOf=${nameOf} />`)}</tbody>
      </table>
    </${Scrollable}>
  `;
}

function NodeRow({ node }: { node: NodeRebalance }) {
  const { member, status } = node;
  if (status === undefined) return html`<tr data-node-id=${member.nodeId}><th scope="row">${member.name}</th><td colspan="5">asking…</td></tr>`;
  if (!isReply(status)) return html`<tr data-node-id=${member.nodeId} data-reachable="no"><th scope="row">${member.name}</th><td colspan="5" class="unreachable">${status.problem}</td></tr>`;
  return html`
    <tr data-node-id=${member.nodeId} data-reachable="yes" data-ownership=${status.ownership} data-keys-streamed=${status.keysStreamed} data-bytes-streamed=${status.bytesStreamed}>
      <th scope="row">${member.name}</th>
      <td>${status.ownership}</td>
      <td class="number">${status.inProgress.length}</td>
      <td class="number">${status.queued.length}</td>
      <td class="number" data-field="keys-streamed">${status.keysStreamed}</td>
      <td class="number">${bytes(status.bytesStreamed)}</td>
    </tr>
  `;
}

export function RebalanceView({ poller }: { poller: ClusterPoller }) {
  const members = poller.reading.members();
  const merged = mergeRebalance(poller.observations, members);
  const nameOf: NameOf = (nodeId) => members.find((member) => member.nodeId === nodeId)?.name ?? shortId(nodeId);
  const idle = merged.inProgress.length === 0 && merged.queued.length === 0;
  const answered = merged.nodes.filter((node) => isReply(node.status)).length;
  return html`
    <p class="note">A node joining the ring streams each range it will own from a current replica; each node lists the transfers into it, and this page asks all ${members.length} members (${answered} answered).</p>
    <section aria-labelledby="transfers-heading" data-testid="rebalance" data-idle=${idle ? 'yes' : 'no'}>
      <h3 id="transfers-heading">Transfers in progress and queued</h3>
      ${idle
        ? html`<p role="status" data-testid="rebalance-idle">No transfer is running or queued${answered < members.length ? ' on the nodes that answered' : ''}.</p>`
        : html`
            ${merged.inProgress.length > 0 && html`<${ActiveTable} label="Transfers in progress" transfers=${merged.inProgress} nameOf=${nameOf} />`}
            ${merged.queued.length > 0 && html`<${ActiveTable} label="Queued transfers" transfers=${merged.queued} nameOf=${nameOf} />`}
          `}
    </section>
    <section aria-labelledby="finished-heading">
      <h3 id="finished-heading">Recently finished</h3>
      ${merged.finished.length === 0
        ? html`<p data-testid="transfers-finished-none">No transfer has finished since these nodes started.</p>`
        : html`
            <${Scrollable} label="Finished transfers">
              <table aria-label="Finished transfers" data-testid="transfers-finished">
                <thead><tr><th scope="col">Range</th><th scope="col">Source → target</th><th scope="col">Outcome</th><th scope="col">Keys</th><th scope="col">Bytes</th><th scope="col">Finished</th><th scope="col">Took</th></tr></thead>
                <tbody>${merged.finished.map((transfer) => html`<${FinishedTransferRow} key=${transferKey(transfer)} transfer=${transfer} nameOf=${nameOf} />`)}</tbody>
              </table>
            </${Scrollable}>
            ${merged.finishedNotShown > 0 && html`<p class="note">${merged.finishedNotShown} older finished transfers not listed.</p>`}
          `}
    </section>
    <section aria-labelledby="rebalance-nodes-heading">
      <h3 id="rebalance-nodes-heading">Per node (as the receiving side)</h3>
      <${Scrollable} label="Rebalance per node">
        <table aria-label="Rebalance per node" data-testid="rebalance-nodes">
          <thead><tr><th scope="col">Node</th><th scope="col">Ownership</th><th scope="col">In progress</th><th scope="col">Queued</th><th scope="col">Keys streamed in</th><th scope="col">Bytes streamed in</th></tr></thead>
          <tbody>${merged.nodes.map((node) => html`<${NodeRow} key=${node.member.nodeId} node=${node} />`)}</tbody>
        </table>
      </${Scrollable}>
    </section>
  `;
}
