// Keys: list by prefix, a page at a time (the API's cursor), and create a key. Opening a key shows the
// editor. Key reads and every write go to the node that served the page; writes only on a click.
import { useEffect, useState } from 'preact/hooks';
import { request, type Answer } from '../answer';
import type { KeyPage } from '../api-types';
import type { ClusterPoller } from '../cluster-poller';
import { html } from '../html';
import { hrefOf } from '../settings';
import { KeyEditor } from './key-editor';
import { putValue } from './key-writes';

/** Keys per page of the list. */
const KEYS_PAGE_LIMIT = 20;

/** `openKey`: the list reloads whenever the user opens or leaves a key, so a key just written shows. */
function KeyList({ origin, openKey }: { origin: string; openKey: string | null }) {
  const [prefix, setPrefix] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<Answer<KeyPage> | null>(null);
  const cursor = cursors.at(-1) ?? null;
  const load = (listPrefix: string, listCursor: string | null) => {
    const query = new URLSearchParams({ prefix: listPrefix, limit: String(KEYS_PAGE_LIMIT) });
    if (listCursor !== null) query.set('cursor', listCursor);
    void request<KeyPage>(`${origin}/kv?${query}`).then(setPage);
  };
  useEffect(() => load(prefix, cursor), [cursors, openKey]);
  const onSubmit = (event: Event) => {
    event.preventDefault();
    setCursors([null]);
  };
  return html`
    <section aria-labelledby="list-heading">
      <h3 id="list-heading">Browse</h3>
      <form class="inline" onSubmit=${onSubmit}>
        <label for="key-prefix">Prefix</label>
        <input id="key-prefix" value=${prefix} onInput=${(event: Event) => setPrefix((event.target as HTMLInputElement).value)} />
        <button type="submit">List</button>
      </form>
      ${page === null && html`<p>Loading…</p>`}
      ${page !== null && !page.ok && html`<p class="error" role="alert">The list could not be read: ${page.problem}</p>`}
      ${page?.ok &&
      html`
        <ul class="key-list" data-testid="key-list" data-count=${page.body.items.length}>
          ${page.body.items.map((item) => html`<li data-key=${item.key}><a href=${hrefOf('keys', item.key)}>${item.key}</a> <small>${item.version}</small></li>`)}
        </ul>
        ${page.body.items.length === 0 && html`<p>No keys${prefix === '' ? '' : ` starting with “${prefix}”`}.</p>`}
        <div class="pager">
          <button type="button" disabled=${cursors.length <= 1} onClick=${() => setCursors(cursors.slice(0, -1))}>Previous page</button>
          <span>Page ${cursors.length}</span>
          <button type="button" disabled=${page.body.next === null} onClick=${() => setCursors([...cursors, page.body.next])}>Next page</button>
        </div>
      `}
    </section>
  `;
}

function CreateKey({ origin }: { origin: string }) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('{"hello": "world"}');
  const [problem, setProblem] = useState<string | null>(null);
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const written = await putValue(origin, key, value, null);
    if (written.ok) location.hash = hrefOf('keys', key);
    else setProblem(written.problem);
  };
  return html`
    <section aria-labelledby="create-heading">
      <h3 id="create-heading">Create or replace a key</h3>
      <form class="stacked" onSubmit=${onSubmit} data-testid="create-key">
        <label for="new-key">Key</label>
        <input id="new-key" required value=${key} onInput=${(event: Event) => setKey((event.target as HTMLInputElement).value)} />
        <label for="new-value">Value (JSON)</label>
        <textarea id="new-value" rows="3" value=${value} onInput=${(event: Event) => setValue((event.target as HTMLTextAreaElement).value)}></textarea>
        <button type="submit">Save</button>
        ${problem !== null && html`<p class="error" role="alert">${problem}</p>`}
      </form>
    </section>
  `;
}

export function KeysView({ poller, openKey }: { poller: ClusterPoller; openKey: string | null }) {
  const origin = poller.reading.servingOrigin;
  return html`
    <p class="note">Keys are read and written through the node that served this page (${origin.replace('http://', '')}).</p>
    ${openKey !== null && html`<${KeyEditor} key=${openKey} keyName=${openKey} origin=${origin} poller=${poller} />`}
    <div class="columns">
      <${KeyList} origin=${origin} openKey=${openKey} />
      <${CreateKey} origin=${origin} />
    </div>
  `;
}
