// Entry point: read the poll interval from the URL, start polling the node that served the page, render.
import { render } from 'preact';
import { App } from './app';
import { ClusterPoller } from './cluster-poller';
import { html } from './html';
import { pollMsOf } from './settings';

const pollMs = pollMsOf(location.search);
const poller = new ClusterPoller(location.origin);
poller.start(pollMs);
render(html`<${App} poller=${poller} pollMs=${pollMs} />`, document.getElementById('app')!);
