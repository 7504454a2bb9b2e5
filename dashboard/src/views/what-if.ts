// What if: a form to ask what adding N nodes, or removing one member, would move
// (GET /cluster/ring/what-if?add=N or ?remove=NODE on the node the dashboard reads through). The
// prediction changes nothing, so it needs only the read role; it is asked on a click, never polled.
import { useState } from 'preact/hooks';
import { request, type Answer } from '../answer';
import type { WhatIfView } from '../api-types';
import type { ClusterPoller } from '../cluster-poller';
import { html } from '../html';
import { WhatIfResult } from './what-if-result';

interface Asked {
  readonly question: string;
  readonly path: string;
  /** null while the request is pending. */
  readonly answer: Answer<WhatIfView> | null;
}

const inputValue = (event: Event) => (event.target as HTMLInputElement | HTMLSelectElement).value;

export function WhatIfView({ poller }: { poller: ClusterPoller }) {
  const [addCount, setAddCount] = useState('1');
  const [removeName, setRemoveName] = useState('');
  const [asked, setAsked] = useState<Asked | null>(null);
  const members = [...poller.reading.members()].sort((a, b) => a.name.localeCompare(b.name));
  const ringMembers = poller.ring()?.members ?? [];
  const removable = members.filter((member) => ringMembers.includes(member.nodeId));
  const chosen = removeName !== '' && removable.some((member) => member.name === removeName) ? removeName : (removable[0]?.name ?? '');

  const ask = async (question: string, query: URLSearchParams) => {
    const origin = poller.reading.origin;
    const path = `/cluster/ring/what-if?${query}`;
    setAsked({ question, path, answer: null });
    const answer = await request<WhatIfView>(`${origin}${path}`);
    setAsked((current) => (current?.path === path ? { question, path, answer } : current));
  };
  const onAdd = (event: Event) => {
    event.preventDefault();
    void ask(`If ${addCount} node${addCount === '1' ? '' : 's'} joined`, new URLSearchParams({ add: addCount }));
  };
  const onRemove = (event: Event) => {
    event.preventDefault();
    if (chosen !== '') void ask(`If ${chosen} left or were removed`, new URLSearchParams({ remove: chosen }));
  };

  return html`
    <p class="note">Predicts what a ring change would move, from the ring ${poller.reading.origin.replace('http://', '')} routes by and the key counts members gossip. Nothing changes.</p>
    <div class="columns">
      <form class="stacked" onSubmit=${onAdd} aria-label="Predict adding nodes">
        <label for="what-if-add">Nodes to add</label>
        <input id="what-if-add" type="number" min="1" step="1" required value=${addCount} onInput=${(event: Event) => setAddCount(inputValue(event))} />
        <button type="submit">Predict adding</button>
      </form>
      <form class="stacked" onSubmit=${onRemove} aria-label="Predict removing a member">
        <label for="what-if-remove">Member to remove</label>
        <select id="what-if-remove" value=${chosen} onChange=${(event: Event) => setRemoveName(inputValue(event))}>
          ${removable.map((member) => html`<option value=${member.name}>${member.name} (${member.nodeId.slice(0, 8)})</option>`)}
        </select>
        <button type="submit" disabled=${chosen === ''}>Predict removing</button>
      </form>
    </div>
    ${asked !== null && html`<p class="note">Asked <code>GET ${asked.path}</code>${asked.answer === null ? '…' : ` in ${asked.answer.elapsedMs} ms`}</p>`}
    ${asked?.answer?.ok === false && html`<p class="error" role="alert" data-testid="what-if-error">No prediction: ${asked.answer.problem}</p>`}
    ${asked?.answer?.ok === true && html`<${WhatIfResult} question=${asked.question} prediction=${asked.answer.body} />`}
  `;
}
