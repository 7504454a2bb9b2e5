// Says which node the dashboard reads through, whether the node that served the page still answers,
// and how old the data on screen is: a page that cannot reach the cluster says so instead of freezing.
import type { ClusterPoller } from '../cluster-poller';
import { clock } from '../format';
import { html } from '../html';
import { MEMBERS_PATH } from '../reading-node';

export function ConnectionBanner({ poller, pollMs }: { poller: ClusterPoller; pollMs: number }) {
  const { reading, observations } = poller;
  const self = reading.members().find((member) => member.self);
  const servingAnswer = observations.latest(reading.servingOrigin, MEMBERS_PATH);
  const readingAnswer = observations.latest(reading.origin, MEMBERS_PATH);
  const failover = reading.origin !== reading.servingOrigin;
  const servingProblem = servingAnswer !== undefined && !servingAnswer.ok ? servingAnswer.problem : null;
  const readingProblem = readingAnswer !== undefined && !readingAnswer.ok ? readingAnswer.problem : null;
  return html`
    <div
      class=${`banner${failover || readingProblem !== null ? ' banner-warn' : ''}`}
      role="status"
      data-testid="connection"
      data-reading-through=${self?.nodeId ?? ''}
      data-reading-origin=${reading.origin}
      data-failover=${failover ? 'yes' : 'no'}
      data-last-update=${poller.lastUpdateMs ?? ''}
    >
      <span>Reading through <strong>${self?.name ?? reading.origin.replace('http://', '')}</strong> (${reading.origin.replace('http://', '')})</span>
      ${failover && html`<span> · the node that served this page (${reading.servingOrigin.replace('http://', '')}) does not answer${servingProblem === null ? '' : `: ${servingProblem}`}</span>`}
      ${readingProblem !== null && html`<span> · last answer: ${readingProblem}</span>`}
      <span> · polling every ${pollMs} ms · updated ${poller.lastUpdateMs === null ? 'not yet' : clock(poller.lastUpdateMs)}</span>
    </div>
  `;
}
