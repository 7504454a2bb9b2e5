// The page: a header saying which node the dashboard reads through and how fresh its data is, the
// navigation between views (hash routes), and the current view. It re-renders whenever an answer
// arrives, at most once per animation frame.
import { useEffect, useState } from 'preact/hooks';
import type { ClusterPoller } from './cluster-poller';
import { html } from './html';
import { hrefOf, routeOf, VIEWS, type Route, type ViewName } from './settings';
import { AccessBar, AccessContext, useAccess } from './views/access-bar';
import { ConnectionBanner } from './views/connection-banner';
import { MembersView } from './views/members';
import { RingPage } from './views/ring';
import { KeysView } from './views/keys';
import { ExplainPage } from './views/explain';
import { ActivityView } from './views/activity';
import { HealthView } from './views/health';
import { RebalanceView } from './views/rebalance';
import { WhatIfView } from './views/what-if';
import { ChaosPanel } from './views/chaos';

const VIEW_TITLES: Record<ViewName, string> = {
  members: 'Members',
  ring: 'Ring',
  keys: 'Keys',
  explain: 'Explain a key',
  activity: 'Activity',
  health: 'Health',
  rebalance: 'Rebalance',
  'what-if': 'What if',
};

function useRoute(): Route {
  const [route, setRoute] = useState(routeOf(location.hash));
  useEffect(() => {
    const onHashChange = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', onHashChange);
    return () => removeEventListener('hashchange', onHashChange);
  }, []);
  return route;
}

/** Re-render on every answer, batched to one render per frame. */
function useAnswers(poller: ClusterPoller): number {
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let frame: number | null = null;
    const unsubscribe = poller.observations.subscribe(() => {
      if (frame !== null) return;
      frame = requestAnimationFrame(() => {
        frame = null;
        setGeneration((value) => value + 1);
      });
    });
    return () => {
      unsubscribe();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [poller]);
  return generation;
}

function CurrentView({ poller, route }: { poller: ClusterPoller; route: Route }) {
  switch (route.view) {
    case 'members':
      return html`<${MembersView} poller=${poller} />`;
    case 'ring':
      return html`<${RingPage} poller=${poller} />`;
    case 'keys':
      return html`<${KeysView} poller=${poller} openKey=${route.argument} />`;
    case 'explain':
      return html`<${ExplainPage} poller=${poller} explainKey=${route.argument} />`;
    case 'activity':
      return html`<${ActivityView} poller=${poller} />`;
    case 'health':
      return html`<${HealthView} poller=${poller} />`;
    case 'rebalance':
      return html`<${RebalanceView} poller=${poller} />`;
    case 'what-if':
      return html`<${WhatIfView} poller=${poller} />`;
  }
}

export function App({ poller, pollMs }: { poller: ClusterPoller; pollMs: number }) {
  const route = useRoute();
  useAnswers(poller);
  // The view is rebuilt when the token changes, so what it read without a token is read again with it.
  // Not when the node's answer about the role arrives: that came after the first render, and rebuilding
  // then lost what the user had begun (on a loaded machine, a member chosen in What if).
  const [access, accessChanged, tokenGeneration] = useAccess(poller.reading.servingOrigin);
  useEffect(() => {
    poller.show(route.view, route.argument);
    document.title = `${VIEW_TITLES[route.view]} · swarmkv`;
  }, [poller, route.view, route.argument]);
  return html`
    <${AccessContext.Provider} value=${access}>
    <header class="top">
      <a class="skip" href="#main">Skip to the view</a>
      <h1>swarmkv</h1>
      <nav aria-label="Views">
        <ul>
          ${VIEWS.map(
            (view) => html`<li><a href=${hrefOf(view)} aria-current=${route.view === view ? 'page' : undefined}>${VIEW_TITLES[view]}</a></li>`,
          )}
        </ul>
      </nav>
      <${ConnectionBanner} poller=${poller} pollMs=${pollMs} />
      <${AccessBar} access=${access} changed=${accessChanged} />
    </header>
    <main id="main" tabindex="-1" data-view=${route.view} key=${tokenGeneration}>
      <h2>${VIEW_TITLES[route.view]}</h2>
      <${CurrentView} poller=${poller} route=${route} />
      ${route.view === 'members' && html`<${ChaosPanel} poller=${poller} />`}
    </main>
    <footer class="note foot"><a href="LICENSES.txt">Licences of the bundled libraries</a> · <a href="/swagger">API (Swagger UI)</a></footer>
    </${AccessContext.Provider}>
  `;
}
