// How long a member took to answer `swarmkv check`'s requests: the median and the 99th percentile
// (nearest rank) of the times from sending a request to its answer, refusals included (a refusal is
// an answer), timeouts and failed connections not (they have no answer time). A slow member, a
// slow link (`swarmkv chaos delay`) or a pause shows here before it shows anywhere else.

import type { Op } from './checker';

export interface AnswerTimes {
  readonly answered: number;
  readonly medianMs: number;
  readonly p99Ms: number;
}

/** The `fraction` quantile of ascending `sortedMs` by nearest rank: a time some request really took. */
function nearestRank(sortedMs: readonly number[], fraction: number): number {
  return sortedMs[Math.max(0, Math.ceil(fraction * sortedMs.length) - 1)]!;
}

/** The summary of these answer times, or undefined when there are none. */
export function answerTimes(samplesMs: readonly number[]): AnswerTimes | undefined {
  if (samplesMs.length === 0) return undefined;
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const hundredths = (valueMs: number) => Math.round(valueMs * 100) / 100;
  return { answered: sorted.length, medianMs: hundredths(nearestRank(sorted, 0.5)), p99Ms: hundredths(nearestRank(sorted, 0.99)) };
}

/** How long an operation took to be answered; undefined for one that timed out, failed to connect, or is still waiting. */
export function answerTimeMs(op: Op): number | undefined {
  if (op.completedMs === undefined || op.outcome === 'timeout' || op.status === undefined) return undefined;
  return op.completedMs - op.invokedMs;
}

/** Each coordinator's answer times over a whole history. */
export function answerTimesByMember(ops: readonly Op[]): Map<string, AnswerTimes> {
  const samples = new Map<string, number[]>();
  for (const op of ops) {
    const takenMs = answerTimeMs(op);
    if (takenMs === undefined) continue;
    const list = samples.get(op.coordinator) ?? [];
    list.push(takenMs);
    samples.set(op.coordinator, list);
  }
  return new Map([...samples].map(([name, list]) => [name, answerTimes(list)!]));
}

/** `2.1 ms`, `152 ms`: a tenth of a millisecond below 10 ms, whole ones above. */
export function formatMs(valueMs: number): string {
  return valueMs < 10 ? `${valueMs.toFixed(1)} ms` : `${Math.round(valueMs)} ms`;
}
