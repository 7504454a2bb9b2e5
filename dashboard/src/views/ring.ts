// Ring: the consistent-hash ring as a circle of token ranges coloured by their first replica, each
// node's primary and replica share, one range's replica set on hover or click, the digest, and the
// ring's recent changes (a fresh change makes the circle pulse once).
import { useMemo, useState } from 'preact/hooks';
import type { MemberView, RingRangeView, RingView } from '../api-types';
import type { ClusterPoller } from '../cluster-poller';
import { clock, percent, shortId } from '../format';
import { html } from '../html';
import { arcPath, colourOf, nodeShares, positionFraction, rangeFraction } from './ring-geometry';

/** A ring change younger than this is drawn as just changed. */
const FRESH_CHANGE_MS = 5000;

function nameOf(members: readonly MemberView[], nodeId: string): string {
  return members.find((member) => member.nodeId === nodeId)?.name ?? shortId(nodeId);
}

function RingCircle({ ring, members, selected, onSelect, fresh }: { ring: RingView; members: readonly MemberView[]; selected: RingRangeView | null; onSelect: (range: RingRangeView) => void; fresh: boolean }) {
  return html`
    <svg
      class=${`ring${fresh ? ' ring-fresh' : ''}`}
      viewBox="-110 -110 220 220"
      role="group"
      tabindex="0"
      aria-label=${`Hash ring, ${ring.ranges.length} ranges: the arrow keys select a range`}
      data-testid="ring"
      data-digest=${ring.digest}
      onKeyDown=${(event: KeyboardEvent) => {
        const step = event.key === 'ArrowRight' || event.key === 'ArrowDown' ? 1 : event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? -1 : 0;
        if (step === 0) return;
        event.preventDefault();
        const index = selected === null ? (step === 1 ? -1 : 0) : ring.ranges.findIndex((range) => range.start === selected.start);
        onSelect(ring.ranges[(index + step + ring.ranges.length) % ring.ranges.length]!);
      }}
    >
      <g aria-hidden="true">
        ${ring.ranges.map((range) => html`
          <path
            d=${arcPath(positionFraction(range.start), rangeFraction(range))}
            fill=${colourOf(range.replicas[0] ?? '', ring.members)}
            class=${selected?.start === range.start ? 'arc selected' : 'arc'}
            data-start=${range.start}
            data-replicas=${range.replicas.join(',')}
            onClick=${() => onSelect(range)}
          ><title>${`(${range.start}, ${range.end}]: ${range.replicas.map((nodeId) => nameOf(members, nodeId)).join(', ')}`}</title></path>
        `)}
      </g>
      <text x="0" y="-6" text-anchor="middle" class="ring-label">digest</text>
      <text x="0" y="10" text-anchor="middle" class="ring-label ring-digest">${ring.digest}</text>
    </svg>
  `;
}

function ShareTable({ ring, members }: { ring: RingView; members: readonly MemberView[] }) {
  return html`
    <table data-testid="ring-shares">
      <thead><tr><th scope="col">Node</th><th scope="col">Primary share</th><th scope="col">Replica share</th></tr></thead>
      <tbody>
        ${nodeShares(ring)
          .sort((a, b) => nameOf(members, a.nodeId).localeCompare(nameOf(members, b.nodeId)))
          .map(
          (share) => html`
            <tr data-node-id=${share.nodeId} data-primary-share=${share.primary.toFixed(6)} data-replica-share=${share.replica.toFixed(6)}>
              <th scope="row"><span class="swatch" style=${`background:${colourOf(share.nodeId, ring.members)}`}></span>${nameOf(members, share.nodeId)}</th>
              <td class="number">${percent(share.primary)}</td>
              <td class="number">${percent(share.replica)}</td>
            </tr>
          `,
        )}
      </tbody>
    </table>
    <p class="note">Primary shares sum to 100 %; replica shares sum to ${ring.replicationFactor} × 100 % when at least ${ring.replicationFactor} nodes are in the ring (${ring.tokensPerNode} tokens per node).</p>
  `;
}

function ChangeList({ poller, members }: { poller: ClusterPoller; members: readonly MemberView[] }) {
  return html`
    <h3>Ring changes seen by this page</h3>
    <ol class="changes" data-testid="ring-changes" data-count=${poller.ringChanges.length}>
      ${poller.ringChanges.map(
        (change) => html`<li>
          ${clock(change.timeMs)}: ${change.fromDigest === null ? 'first seen: ' : `${change.fromDigest} → `}${change.toDigest}
          ${change.joined.length > 0 && ` · joined: ${change.joined.map((nodeId) => nameOf(members, nodeId)).join(', ')}`}
          ${change.left.length > 0 && ` · left: ${change.left.map((nodeId) => nameOf(members, nodeId)).join(', ')}`}
        </li>`,
      )}
    </ol>
  `;
}

export function RingPage({ poller }: { poller: ClusterPoller }) {
  const ring = poller.ring();
  if (ring !== undefined) return html`<${RingShown} poller=${poller} ring=${ring} />`;
  const answer = poller.observations.latest(poller.reading.origin, '/cluster/ring');
  return html`<p>${answer !== undefined && !answer.ok ? `The ring could not be read: ${answer.problem}` : 'Waiting for the ring…'}</p>`;
}

function RingShown({ poller, ring }: { poller: ClusterPoller; ring: RingView }) {
  const [selected, setSelected] = useState<RingRangeView | null>(null);
  const members = poller.reading.members();
  const fresh = (poller.ringChanges[0]?.timeMs ?? 0) > Date.now() - FRESH_CHANGE_MS && poller.ringChanges.length > 1;
  // Hundreds of arcs: rebuilt only when the ring, the names, the selection or the freshness change, not
  // on every answer (the same vnode lets preact skip the whole subtree).
  const names = members.map((member) => `${member.nodeId}=${member.name}`).join(',');
  const circle = useMemo(
    () => html`<${RingCircle} ring=${ring} members=${members} selected=${selected} onSelect=${setSelected} fresh=${fresh} />`,
    [ring.digest, names, selected, fresh],
  );
  return html`
    <div class="ring-layout">
      ${circle}
      <div>
        <p>Digest <code data-testid="ring-digest">${ring.digest}</code> · ${ring.members.length} nodes · ${ring.ranges.length} ranges · N = ${ring.replicationFactor}</p>
        <${ShareTable} ring=${ring} members=${members} />
        <div data-testid="range-detail" aria-live="polite">
          ${selected === null
            ? html`<p class="note">Select a range on the circle (click it, or focus the circle and use the arrow keys) to see its replicas.</p>`
            : html`<p>Range (${selected.start}, ${selected.end}] is held by, in preference order:</p>
                <ol>${selected.replicas.map((nodeId) => html`<li data-node-id=${nodeId}>${nameOf(members, nodeId)} <code>${shortId(nodeId)}</code></li>`)}</ol>`}
        </div>
        <${ChangeList} poller=${poller} members=${members} />
      </div>
    </div>
  `;
}
