// One key: its value, version, updatedAt, which node coordinated the read and which replicas answered
// (the response's x-swarmkv-* headers); edit it with If-Match on the version shown, so a change made
// elsewhere meanwhile comes back as a 412 conflict naming the current version; delete it. With "Trace
// requests" ticked, each read, save and delete asks for its trace, and the last one is shown below.
import { useEffect, useState } from 'preact/hooks';
import type { Answer } from '../answer';
import type { StoredValue } from '../api-types';
import type { ClusterPoller } from '../cluster-poller';
import { shortId } from '../format';
import { html } from '../html';
import { useAllowed } from './access-bar';
import { deleteValue, putValue, readValue } from './key-writes';
import { RequestTraceTable, traceOf } from './request-trace';
import type { TraceReply } from '../api-types';

interface Outcome {
  readonly kind: 'saved' | 'deleted' | 'conflict' | 'error';
  readonly text: string;
}

function conflictText(body: unknown): string {
  const current = body !== null && typeof body === 'object' && 'current' in body ? (body as { current: string | null }).current : null;
  return current === null
    ? 'Conflict (412): the key was deleted since you opened it. Reload to see it now.'
    : `Conflict (412): the key changed since you opened it; it is now at version ${current}. Reload to see it, then edit again.`;
}

function replicaNames(poller: ClusterPoller, header: string | null): string {
  if (header === null || header === '') return 'none named';
  const members = poller.reading.members();
  return header
    .split(',')
    .map((nodeId) => members.find((member) => member.nodeId === nodeId)?.name ?? shortId(nodeId))
    .join(', ');
}

export function KeyEditor({ keyName, origin, poller }: { keyName: string; origin: string; poller: ClusterPoller }) {
  const [read, setRead] = useState<Answer<StoredValue> | null>(null);
  const [draft, setDraft] = useState('');
  const canWrite = useAllowed('write');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [tracing, setTracing] = useState(false);
  const [lastTrace, setLastTrace] = useState<{ label: string; trace: TraceReply } | null>(null);
  /** Keeps the answer's trace, if it has one, under `label`. */
  const traced = <T extends Answer<unknown>>(label: string, answer: T): T => {
    const trace = traceOf(answer.body);
    if (trace !== null) setLastTrace({ label, trace });
    return answer;
  };
  const reload = async (trace = tracing) => {
    const answer = traced('Trace of the read', await readValue<StoredValue>(origin, keyName, trace));
    setRead(answer);
    if (answer.ok) setDraft(JSON.stringify(answer.body.value, null, 2));
  };
  useEffect(() => {
    setOutcome(null);
    setLastTrace(null);
    void reload();
  }, [keyName, origin]);

  const save = async (event: Event) => {
    event.preventDefault();
    if (!read?.ok) return;
    const written = traced('Trace of the save', await putValue(origin, keyName, draft, read.body.version, tracing));
    if (written.ok) {
      setOutcome({ kind: 'saved', text: `Saved: version ${written.body.version}.` });
      // Reloaded untraced, so the save's trace stays on show.
      await reload(false);
    } else setOutcome(written.status === 412 ? { kind: 'conflict', text: conflictText(written.body) } : { kind: 'error', text: `Not saved: ${written.problem}` });
  };
  const remove = async () => {
    const deleted = traced('Trace of the delete', await deleteValue(origin, keyName, tracing));
    setOutcome(deleted.ok ? { kind: 'deleted', text: `Deleted ${keyName}.` } : { kind: 'error', text: `Not deleted: ${deleted.problem}` });
    await reload(false);
  };

  return html`
    <section class="card" aria-labelledby="key-heading" data-testid="key-editor" data-key=${keyName} data-status=${read?.status ?? ''} data-version=${read?.ok ? read.body.version : ''}>
      <h3 id="key-heading">Key <code>${keyName}</code></h3>
      ${read === null && html`<p>Loading…</p>`}
      ${read !== null && !read.ok && html`<p class=${read.status === 404 ? '' : 'error'} data-testid="key-missing">${read.status === 404 ? `404: no value for this key.` : `Could not read it: ${read.problem}`}</p>`}
      ${read?.ok &&
      html`
        <dl class="facts">
          <dt>Version</dt><dd><code data-testid="key-version">${read.body.version}</code></dd>
          <dt>Updated</dt><dd>${read.body.updatedAt}</dd>
          <dt>Coordinator</dt><dd>${replicaNames(poller, read.headers.get('x-swarmkv-coordinator'))}</dd>
          <dt>Replicas that answered</dt><dd data-testid="key-replicas" data-replicas=${read.headers.get('x-swarmkv-replicas') ?? ''}>${replicaNames(poller, read.headers.get('x-swarmkv-replicas'))}</dd>
        </dl>
        <form class="stacked" onSubmit=${save}>
          <label for="edit-value">Value (JSON)</label>
          <textarea id="edit-value" rows="5" value=${draft} onInput=${(event: Event) => setDraft((event.target as HTMLTextAreaElement).value)}></textarea>
          <div class="buttons">
            ${canWrite && html`<button type="submit">Save with If-Match</button>`}
            <button type="button" onClick=${() => void reload()}>Reload</button>
            ${canWrite && html`<button type="button" class="danger" onClick=${() => void remove()}>Delete</button>`}
          </div>
        </form>
      `}
      ${outcome !== null && html`<p class=${`outcome outcome-${outcome.kind}`} role=${outcome.kind === 'saved' || outcome.kind === 'deleted' ? 'status' : 'alert'} data-testid="key-outcome" data-kind=${outcome.kind}>${outcome.text}</p>`}
      <label class="inline-check">
        <input type="checkbox" data-testid="trace-toggle" checked=${tracing} onChange=${(event: Event) => setTracing((event.target as HTMLInputElement).checked)} />
        Trace requests: show what each read, save and delete did inside the cluster
      </label>
      ${tracing && html`<button type="button" onClick=${() => void reload(true)}>Read again, traced</button>`}
      ${lastTrace !== null && html`<${RequestTraceTable} trace=${lastTrace.trace} label=${lastTrace.label} />`}
    </section>
  `;
}
