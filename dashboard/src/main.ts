// Entry point: read the poll interval from the URL, start polling the node that served the page, render.
import { render } from 'preact';
import { App } from './app';
import { ClusterPoller } from './cluster-poller';
import { html } from './html';
import { pollMsOf } from './settings';

const pollMs = pollMsOf(location.search);
const poller = new ClusterPoller(location.origin);
poller.start(pollMs);
const container = document.getElementById('app')!;
// The static "Loading…" line is for a browser still fetching app.js; preact renders beside, not over, it.
container.replaceChildren();
render(html`<${App} poller=${poller} pollMs=${pollMs} />`, container);
