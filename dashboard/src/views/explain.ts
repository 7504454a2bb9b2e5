// Explain a key: where it lives and what each replica holds right now. The node answers from each
// replica's own store without repairing anything (GET /cluster/explain/{key}), so a replica that
// missed a write shows its old version (or none) until hinted handoff or anti-entropy fixes it.
import { useState } from 'preact/hooks';
import type { ExplainView } from '../api-types';
import type { ClusterPoller } from '../cluster-poller';
import { shortId } from '../format';
import { html } from '../html';
import { hrefOf } from '../settings';
import { StateBadge } from './state-badge';
import { Scrollable } from './scrollable';

function ExplainResult({ poller, explainKey }: { poller: ClusterPoller; explainKey: string }) {
  const answer = poller.observations.latest<ExplainView>(poller.reading.origin, poller.explainPath(explainKey));
  if (answer === undefined) return html`<p>Asking ${poller.reading.origin.replace('http://', '')}…</p>`;
  if (!answer.ok) return html`<p class="error" role="alert" data-testid="explain-error">Could not explain it: ${answer.problem}</p>`;
  const explained = answer.body;
  const nameOf = (nodeId: string) => explained.replicas.find((replica) => replica.nodeId === nodeId)?.name ?? poller.reading.members().find((member) => member.nodeId === nodeId)?.name ?? shortId(nodeId);
  return html`
    <section data-testid="explain" data-key=${explained.key} data-agree=${explained.agree ? 'yes' : 'no'} data-newest-version=${explained.newestVersion ?? ''} data-hints=${explained.hints.reduce((sum, hint) => sum + hint.count, 0)}>
      <p>
        Position <code>${explained.position}</code> on ring <code>${explained.ringDigest}</code>.${' '}
        <strong class=${explained.agree ? 'agree' : 'disagree-text'}>${explained.agree ? 'The replicas agree.' : 'The replicas disagree.'}</strong>
        ${explained.newestVersion === null ? ' No replica holds a version.' : html` The newest version is <code>${explained.newestVersion}</code>.`}
      </p>
      <${Scrollable} label="Replicas of the key">
        <table>
          <thead><tr><th scope="col">Replica</th><th scope="col">Role</th><th scope="col">State</th><th scope="col">Reachable</th><th scope="col">Version it holds</th><th scope="col">Updated</th></tr></thead>
          <tbody>
            ${explained.replicas.map(
              (replica) => html`
                <tr data-node-id=${replica.nodeId} data-role=${replica.role} data-version=${replica.version ?? ''} data-reachable=${replica.reachable ? 'yes' : 'no'} data-deleted=${replica.deleted ? 'yes' : 'no'}>
                  <th scope="row">${replica.name} <code>${shortId(replica.nodeId)}</code></th>
                  <td>${replica.role}</td>
                  <td><${StateBadge} state=${replica.state} /></td>
                  <td>${replica.reachable ? 'yes' : 'no'}</td>
                  <td>${replica.version === null ? html`<em>none</em>` : html`<code>${replica.version}</code>${replica.deleted ? ' (deleted)' : ''}`}${replica.version !== null && replica.version !== explained.newestVersion ? ' (behind)' : ''}</td>
                  <td>${replica.updatedAt ?? '–'}</td>
                </tr>
              `,
            )}
          </tbody>
        </table>
      </${Scrollable}>
      <h3>Hints pending for this key</h3>
      ${explained.hints.length === 0
        ? html`<p data-testid="explain-no-hints">None.</p>`
        : html`<ul data-testid="explain-hints">${explained.hints.map((hint) => html`<li data-holder=${hint.holderNodeId} data-target=${hint.targetNodeId} data-count=${hint.count}>${nameOf(hint.holderNodeId)} holds ${hint.count} for ${nameOf(hint.targetNodeId)}</li>`)}</ul>`}
    </section>
  `;
}

export function ExplainPage({ poller, explainKey }: { poller: ClusterPoller; explainKey: string | null }) {
  const [typed, setTyped] = useState(explainKey ?? '');
  const onSubmit = (event: Event) => {
    event.preventDefault();
    if (typed !== '') location.hash = hrefOf('explain', typed);
  };
  return html`
    <form class="inline" onSubmit=${onSubmit}>
      <label for="explain-key">Key</label>
      <input id="explain-key" value=${typed} onInput=${(event: Event) => setTyped((event.target as HTMLInputElement).value)} />
      <button type="submit">Explain</button>
    </form>
    ${explainKey === null ? html`<p class="note">Type a key to see its ring position, its replicas, the version each holds and the hints pending for it.</p>` : html`<${ExplainResult} poller=${poller} explainKey=${explainKey} />`}
  `;
}
