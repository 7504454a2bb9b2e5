// A what-if prediction as GET /cluster/ring/what-if answered it: the share of the key space whose
// replicas would change, the keys involved, per node the keys and bytes it would send and receive
// (and the copies it would release), the estimated time at the rate the node measured, and its notes.
import type { WhatIfView } from '../api-types';
import { bytes, duration, percent } from '../format';
import { html } from '../html';
import { Scrollable } from './scrollable';

function NodeFlowRow({ flow }: { flow: WhatIfView['nodes'][number] }) {
  return html`
    <tr data-node-id=${flow.nodeId} data-name=${flow.name} data-placeholder=${flow.placeholder ? 'yes' : 'no'} data-keys-sent=${flow.keysSent} data-keys-received=${flow.keysReceived} data-bytes-sent=${flow.bytesSent} data-bytes-received=${flow.bytesReceived} data-keys-released=${flow.keysReleased}>
      <th scope="row">${flow.name}${flow.placeholder ? ' (new)' : ''}</th>
      <td class="number">${flow.keysSent}</td>
      <td class="number">${bytes(flow.bytesSent)}</td>
      <td class="number">${flow.keysReceived}</td>
      <td class="number">${bytes(flow.bytesReceived)}</td>
      <td class="number">${flow.keysReleased}</td>
    </tr>
  `;
}

export function WhatIfResult({ question, prediction }: { question: string; prediction: WhatIfView }) {
  const { keys, rate } = prediction;
  const spread = prediction.idSamples > 0 ? html` (for a real node id: ${percent(prediction.expectedShare)} ± ${percent(2 * prediction.shareStdDev)}, over ${prediction.idSamples} random ids)` : '';
  return html`
    <section aria-labelledby="what-if-result-heading" data-testid="what-if-result" data-share=${prediction.share} data-expected-share=${prediction.expectedShare} data-keys-total=${keys.total} data-keys-changing=${keys.changing} data-copies-moved=${keys.copiesMoved} data-estimated-seconds=${prediction.estimatedSeconds} data-ring-digest=${prediction.ringDigest}>
      <h3 id="what-if-result-heading">${question}</h3>
      <dl class="facts">
        <dt>Keys that would move</dt><dd data-field="share"><strong>${percent(prediction.share)}</strong> of the key space changes replicas${spread}</dd>
        <dt>Keys</dt><dd>${keys.changing} of about ${keys.total} keys; ${keys.copiesMoved} copies streamed to new owners${keys.withoutSource > 0 ? html`; <strong class="error">${keys.withoutSource} with no live source</strong>` : ''}</dd>
        <dt>Members</dt><dd>${prediction.before.members} → ${prediction.after.members} (replicas per key ${prediction.before.replicationFactor} → ${prediction.after.replicationFactor})</dd>
        <dt>Estimated time</dt><dd data-field="estimated-time">${duration(prediction.estimatedSeconds * 1000)} at ${rate.keysPerSecond} keys/s (${rate.source === 'measured' ? 'measured on this node' : 'default rate: no transfer measured yet'})</dd>
      </dl>
      <${Scrollable} label="Keys and bytes each node would send and receive">
        <table aria-label="Keys and bytes each node would send and receive" data-testid="what-if-nodes">
          <thead><tr><th scope="col">Node</th><th scope="col">Keys sent</th><th scope="col">Bytes sent</th><th scope="col">Keys received</th><th scope="col">Bytes received</th><th scope="col">Copies released</th></tr></thead>
          <tbody>${prediction.nodes.map((flow) => html`<${NodeFlowRow} key=${flow.nodeId} flow=${flow} />`)}</tbody>
        </table>
      </${Scrollable}>
      <ul class="note">${prediction.notes.map((note) => html`<li>${note}</li>`)}</ul>
    </section>
  `;
}
