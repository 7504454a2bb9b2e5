// `--trace` on get, put and del: the node's trace of the request (`?trace=true`, docs/api.md "Tracing a
// request") as a timeline a person can follow, one step a line, members by name. Printed on stderr, so a
// script's stdout stays the value or the version.

import type { TraceReply, TraceStep, TracedTarget } from '../../node/src';
import type { NodeReply } from './node-client';
import { printNote } from './output';
import { quoteForTerminal } from './terminal-text';

/** The reply's trace on stderr, if it carries one: a refusal's too (its body has the trace beside the error). */
export function printTraceOf(reply: NodeReply): void {
  const body = reply.body;
  if (body === null || typeof body !== 'object' || !('trace' in body)) return;
  printNote(renderTrace(body.trace as TraceReply));
}

/** The timeline, without a trailing newline. */
export function renderTrace(trace: TraceReply): string {
  const name = (nodeId: string) => quoteForTerminal(trace.names[nodeId] ?? nodeId);
  const width = Math.max(...trace.steps.map((step) => formatMs(step.atMs).length), formatMs(trace.tookMs).length);
  const lines = [`trace: coordinated by ${name(trace.coordinator)}, answered in ${formatMs(trace.tookMs)} ms`];
  for (const step of trace.steps) lines.push(`  ${formatMs(step.atMs).padStart(width)} ms  ${describeStep(step, name)}`);
  if (trace.stepsDropped > 0) lines.push(`  (${trace.stepsDropped} more steps not kept)`);
  if (trace.inFlight.length > 0) lines.push(`  not waited for (still in flight when answered): ${trace.inFlight.map(name).join(', ')}`);
  return lines.join('\n');
}

/** Why a replica was asked after the first ones (replication/quorum.ts). */
const ASK_REASONS = { hedge: 'a hedge: the replicas asked first were slow', replacement: 'in place of a replica that failed' } as const;

function describeStep(step: TraceStep, name: (nodeId: string) => string): string {
  switch (step.step) {
    case 'placement': {
      const joint = step.jointQuorums === undefined ? '' : `, and ${step.jointQuorums.join(', ')} in each ring the cluster is changing to`;
      return `${step.purpose} replicas, in preference order: ${step.replicas.map((replica) => describeTarget(replica, name)).join(', ')}; ${step.needed} needed${joint}`;
    }
    case 'version':
      return `new version ${step.version}${step.above === undefined ? '' : ` (above ${step.above})`}`;
    case 'ask':
      return `→ ${name(step.nodeId)}  ${step.request}${step.hintFor === undefined ? '' : ` as a hint for ${name(step.hintFor)}`}${step.reason === undefined ? '' : ` (${ASK_REASONS[step.reason]})`}`;
    case 'reply':
      return `← ${name(step.nodeId)}  ${step.version === null ? 'has no record' : `holds ${step.version}${step.deleted === true ? ' (a deletion)' : ''}`}`;
    case 'ack':
      return `← ${name(step.nodeId)}  ${step.applied ? 'stored it' : `already holds newer ${step.version}`}`;
    case 'fail':
      return `✗ ${name(step.nodeId)}  ${step.error}: ${quoteForTerminal(step.message)}`;
    case 'quorum':
      return `quorum met: ${step.replies} answered, ${step.needed} needed${step.newest === undefined ? '' : step.newest === null ? '; no replica has the key' : `; newest ${step.newest}`}`;
    case 'superseded':
      return `a replica holds newer ${step.newer}: written again above it`;
    case 'repair':
      return `read repair: ${name(step.nodeId)} sent ${step.version}`;
    case 'hint':
      return `kept as a hint for ${name(step.nodeId)}, which missed it: handed off once it answers again`;
    case 'answer':
      return `answered ${step.status}${step.error === undefined ? '' : ` ${step.error}: ${quoteForTerminal(step.message ?? '')}`}`;
  }
}

function describeTarget(replica: TracedTarget, name: (nodeId: string) => string): string {
  const notes = [
    ...(replica.standInFor === undefined ? [] : [`stand-in for ${name(replica.standInFor)}`]),
    ...(replica.pending === true ? ['joining'] : []),
    ...(replica.counts ? [] : ['not counted']),
    ...(replica.slow === true ? ['slow lately: asked last'] : []),
  ];
  return notes.length === 0 ? name(replica.nodeId) : `${name(replica.nodeId)} (${notes.join(', ')})`;
}

function formatMs(ms: number): string {
  return ms.toFixed(2);
}
