// The trace of the key view's last request (`?trace=true`, docs/api.md "Tracing a request"): one row a
// step, in the order the coordinator took them, so the Dynamo request path can be watched: which replicas,
// how many answers it waits for, who answered what and when, the quorum, a read repair, a hint.
import type { TraceReply, TraceStep } from '../api-types';
import { shortId } from '../format';
import { html } from '../html';
import { Scrollable } from './scrollable';

/** The trace in an answer's body, a refusal's included; null when there is none. */
export function traceOf(body: unknown): TraceReply | null {
  if (body === null || typeof body !== 'object' || !('trace' in body)) return null;
  return (body as { trace: TraceReply }).trace;
}

type NameOf = (nodeId: string) => string;

/** Why a replica was asked after the first ones. */
const ASK_REASONS = { hedge: 'hedge: the first ones were slow', replacement: 'in place of one that failed' } as const;

/** The node a step concerns, and what it says, as two table cells. */
function cellsOf(step: TraceStep, nameOf: NameOf): [node: string, detail: string] {
  switch (step.step) {
    case 'placement': {
      const replicas = step.replicas.map((replica) => `${nameOf(replica.nodeId)}${replica.standInFor === undefined ? '' : ` (stand-in for ${nameOf(replica.standInFor)})`}${replica.pending === true ? ' (joining)' : ''}${replica.counts ? '' : ' (not counted)'}${replica.slow === true ? ' (slow lately: asked last)' : ''}`);
      return ['', `${step.purpose}: ${replicas.join(', ')}; ${step.needed} needed${step.jointQuorums === undefined ? '' : `, and ${step.jointQuorums.join(', ')} in the changing ring`}`];
    }
    case 'version':
      return ['', `${step.version}${step.above === undefined ? '' : ` (above ${step.above})`}`];
    case 'ask':
      return [nameOf(step.nodeId), `${step.request}${step.hintFor === undefined ? '' : ` as a hint for ${nameOf(step.hintFor)}`}${step.reason === undefined ? '' : ` (${ASK_REASONS[step.reason]})`}`];
    case 'reply':
      return [nameOf(step.nodeId), step.version === null ? 'no record' : `${step.version}${step.deleted === true ? ' (deleted)' : ''}`];
    case 'ack':
      return [nameOf(step.nodeId), step.applied ? 'stored' : `holds newer ${step.version}`];
    case 'fail':
      return [nameOf(step.nodeId), `${step.error}: ${step.message}`];
    case 'quorum':
      return ['', `${step.replies} answered of ${step.needed} needed${step.newest === undefined ? '' : step.newest === null ? '; none holds the key' : `; newest ${step.newest}`}`];
    case 'superseded':
      return ['', `a replica holds ${step.newer}: written again above it`];
    case 'repair':
      return [nameOf(step.nodeId), `sent ${step.version}`];
    case 'hint':
      return [nameOf(step.nodeId), 'missed the write: kept here as a hint for it'];
    case 'answer':
      return ['', `${step.status}${step.error === undefined ? '' : ` ${step.error}`}`];
  }
}

export function RequestTraceTable({ trace, label }: { trace: TraceReply; label: string }) {
  const nameOf: NameOf = (nodeId) => trace.names[nodeId] ?? shortId(nodeId);
  return html`
    <div data-testid="request-trace" data-steps=${trace.steps.length}>
      <p>${label}: coordinated by <strong>${nameOf(trace.coordinator)}</strong>, answered in ${trace.tookMs.toFixed(2)} ms.</p>
      <${Scrollable} label=${label}>
        <table>
          <thead><tr><th scope="col">ms</th><th scope="col">Step</th><th scope="col">Node</th><th scope="col">Detail</th></tr></thead>
          <tbody>
            ${trace.steps.map((step) => {
              const [node, detail] = cellsOf(step, nameOf);
              return html`<tr data-step=${step.step} data-node-id=${'nodeId' in step ? step.nodeId : ''}><td class="number">${step.atMs.toFixed(2)}</td><td>${step.step}</td><td>${node}</td><td>${detail}</td></tr>`;
            })}
          </tbody>
        </table>
      </${Scrollable}>
      ${trace.stepsDropped > 0 && html`<p class="note">${trace.stepsDropped} more steps were not kept.</p>`}
      ${trace.inFlight.length > 0 && html`<p class="note" data-testid="trace-in-flight">Not waited for (still in flight when the client was answered): ${trace.inFlight.map(nameOf).join(", ")}.</p>`}
    </div>
  `;
}
