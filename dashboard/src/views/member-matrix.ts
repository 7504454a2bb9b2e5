// How each node sees the others: one row per observing node, built from that node's own
// /cluster/members, one column per member. Where observers disagree about a member (one says dead,
// another alive) the column is marked; a node the browser cannot reach is shown as unreachable, which
// is a fact about the browser's path to it, not its gossip state.
import type { MemberView } from '../api-types';
import type { ClusterPoller } from '../cluster-poller';
import { html } from '../html';
import { MEMBERS_PATH, originOf } from '../reading-node';
import { Scrollable } from './scrollable';

/** A row's problem before the page's first request to that member has answered: not a fault. */
const NOT_ASKED = 'not asked yet';

interface ObserverRow {
  readonly observer: MemberView;
  readonly views: Map<string, MemberView> | null;
  readonly problem: string | null;
}

function observerRows(poller: ClusterPoller, members: readonly MemberView[]): ObserverRow[] {
  return members.map((observer) => {
    const answer = poller.observations.latest<{ members: MemberView[] }>(originOf(observer.httpAddress), MEMBERS_PATH);
    if (answer === undefined) return { observer, views: null, problem: NOT_ASKED };
    if (!answer.ok) return { observer, views: null, problem: answer.problem };
    return { observer, views: new Map(answer.body.members.map((view) => [view.nodeId, view])), problem: null };
  });
}

/** Members whose state is not the same in every reachable observer's view. */
function disputed(rows: readonly ObserverRow[], members: readonly MemberView[]): Set<string> {
  const result = new Set<string>();
  for (const subject of members) {
    const states = new Set(rows.flatMap((row) => (row.views === null ? [] : [row.views.get(subject.nodeId)?.state ?? 'unknown'])));
    if (states.size > 1) result.add(subject.nodeId);
  }
  return result;
}

function Cell({ row, subject, disputedIds }: { row: ObserverRow; subject: MemberView; disputedIds: Set<string> }) {
  const seen = row.views!.get(subject.nodeId);
  const state = seen?.state ?? 'unknown';
  const disagree = disputedIds.has(subject.nodeId);
  return html`
    <td
      class=${`matrix-cell state-${state}${disagree ? ' disagree' : ''}`}
      data-observer=${row.observer.nodeId}
      data-subject=${subject.nodeId}
      data-state=${state}
      data-incarnation=${seen?.incarnation ?? ''}
      data-disagree=${disagree ? 'yes' : 'no'}
      title=${seen === undefined ? 'not in this node’s list' : `incarnation ${seen.incarnation}${seen.why === null ? '' : `: ${seen.why}`}`}
    >
      ${state}${disagree ? ' ≠' : ''}
    </td>
  `;
}

export function MemberMatrix({ poller, members }: { poller: ClusterPoller; members: readonly MemberView[] }) {
  const rows = observerRows(poller, members);
  const disputedIds = disputed(rows, members);
  return html`
    <section aria-labelledby="matrix-heading">
      <h3 id="matrix-heading">How each node sees the others</h3>
      <p class="note">Row: the node asked (its own /cluster/members). Column: the member it describes. ≠ marks a member the nodes disagree about. Hover a cell for that node's reason.</p>
      <${Scrollable} label="How each node sees the others">
        <table class="matrix" data-testid="matrix" data-disputed=${[...disputedIds].join(',')}>
          <thead>
            <tr><th scope="col">Seen by ↓ / member →</th>${members.map((subject) => html`<th scope="col">${subject.name}</th>`)}</tr>
          </thead>
          <tbody>
            ${rows.map(
              (row) => html`
                <tr data-observer=${row.observer.nodeId} data-reachable=${row.views !== null ? 'yes' : row.problem === NOT_ASKED ? 'pending' : 'no'}>
                  <th scope="row">${row.observer.name}</th>
                  ${row.views === null
                    ? row.problem === NOT_ASKED
                      ? html`<td class="pending" colspan=${members.length}>asking…</td>`
                      : html`<td class="unreachable" colspan=${members.length}>unreachable from this browser: ${row.problem}</td>`
                    : members.map((subject) => html`<${Cell} row=${row} subject=${subject} disputedIds=${disputedIds} />`)}
                </tr>
              `,
            )}
          </tbody>
        </table>
      </${Scrollable}>
    </section>
  `;
}
