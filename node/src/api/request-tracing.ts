// `?trace=true` on the key routes: the answer carries what the request did inside the cluster
// (replication/request-trace.ts), success or failure alike, with the members' names beside their ids so a
// person can read it. A DELETE answers 200 with `{"key","version","trace"}` then, since a 204 has no body.

import { SwarmError } from '../errors';
import { RequestTrace, type TraceReport } from '../replication';
import type { MemberView } from './cluster-view';
import { singleQueryValue } from './query';

/** A traced request's report, and the name of every node it mentions. */
export interface TracePayload extends TraceReport {
  readonly names: Readonly<Record<string, string>>;
}

/** The members whose names a trace shows. */
export interface TraceNames {
  members(): readonly MemberView[];
}

const TRACE_ON: ReadonlySet<string> = new Set(['true', '1', '']);
const TRACE_OFF: ReadonlySet<string> = new Set(['false', '0']);

/** A trace for this request when `?trace=true` (or `1`, or bare `?trace`) asks for one. */
export function requestTraceOf(query: URLSearchParams | undefined, coordinator: string): RequestTrace | undefined {
  const value = singleQueryValue(query, 'trace');
  if (value === undefined || TRACE_OFF.has(value)) return undefined;
  if (!TRACE_ON.has(value)) throw new SwarmError('invalid_query', 'trace must be true or false');
  return new RequestTrace(coordinator);
}

export function tracePayload(trace: RequestTrace, names: TraceNames): TracePayload {
  const report = trace.report();
  const mentioned = new Set<string>([report.coordinator]);
  for (const step of report.steps) {
    if ('nodeId' in step) mentioned.add(step.nodeId);
    if (step.step === 'ask' && step.hintFor !== undefined) mentioned.add(step.hintFor);
    if (step.step !== 'placement') continue;
    for (const replica of step.replicas) {
      mentioned.add(replica.nodeId);
      if (replica.standInFor !== undefined) mentioned.add(replica.standInFor);
    }
  }
  const named: Record<string, string> = {};
  for (const member of names.members()) if (mentioned.has(member.nodeId)) named[member.nodeId] = member.name;
  return { ...report, names: named };
}

/**
 * Runs a traced route's work; a SwarmError it throws (404, 409, 412, 503...) is thrown again with the
 * trace in its body, the answer's status as the last step. Anything else is the node's fault and is
 * answered as always (500, logged), without a trace.
 */
export async function withTrace<T>(trace: RequestTrace | undefined, names: TraceNames, work: () => Promise<T>): Promise<T> {
  if (trace === undefined) return work();
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof SwarmError)) throw error;
    trace.answered(error.status, error);
    throw new SwarmError(error.code, error.message, { ...error.details, trace: tracePayload(trace, names) });
  }
}
