// What `swarmkv check` prints: a line a second while the workload runs (what each member's operations
// came to), then what the history shows, in words a learner can act on, with the first few violations
// spelled out; and the verdict's exit code. Times are wall-clock (HH:MM:SS.mmm, UTC, as `swarmkv chaos
// status` prints its timeline), so a refusal can be lined up with the fault that caused it.

import type { Op, Violation } from './checker';
import type { CheckResult } from './check-run';
import { emptyTally, type NodeTally } from './check-workload';
import { count } from './amounts';
import { answerTimes, answerTimesByMember, formatMs, type AnswerTimes } from './answer-times';
import { exitCodes } from './exit-codes';
import { quoteForTerminal } from './terminal-text';

/** Violations of each kind spelled out in the summary; --json lists them all. */
const EXAMPLES_SHOWN_MAX = 5;

/** performance.now() of this process as wall-clock milliseconds. */
const wallClockOffsetMs = Date.now() - performance.now();

function clockTime(monotonicMs: number): string {
  return new Date(wallClockOffsetMs + monotonicMs).toISOString().slice(11, 23);
}

/** `2.1 ms median`, or `152 ms median, 1,204 ms p99` when the tail is far from it (over twice, and 10 ms more). */
function timesWords(times: AnswerTimes | undefined): string {
  if (times === undefined) return '';
  const tail = times.p99Ms > 2 * times.medianMs && times.p99Ms - times.medianMs > 10 ? `, ${formatMs(times.p99Ms)} p99` : '';
  return ` (${formatMs(times.medianMs)} median${tail})`;
}

function tallyWords(tally: NodeTally | undefined, waiting = 0, times?: AnswerTimes): string {
  if (tally === undefined) return waiting > 0 ? `nothing answered, ${count(waiting)} waiting` : 'nothing sent';
  const parts = [`${count(tally.ok)} ok${timesWords(times)}`];
  if (tally.refused > 0) parts.push(`${count(tally.refused)} refused`);
  if (tally.timeout > 0) parts.push(`${count(tally.timeout)} timed out`);
  if (tally.unreachable > 0) parts.push(`${count(tally.unreachable)} unreachable`);
  if (waiting > 0) parts.push(`${count(waiting)} waiting`);
  return parts.join(', ');
}

/**
 * `02:10:05  node-7070 33 ok (2.1 ms median) · node-7071 28 ok (1.8 ms median), 5 refused · node-7072
 * nothing answered, 3 waiting` for one interval; the answer times count refusals too.
 */
export function tickLine(names: readonly string[], tally: ReadonlyMap<string, NodeTally>, waiting: ReadonlyMap<string, number>, answeredMs: ReadonlyMap<string, readonly number[]> = new Map()): string {
  const words = (name: string) => tallyWords(tally.get(name), waiting.get(name), answerTimes(answeredMs.get(name) ?? []));
  return `${clockTime(performance.now()).slice(0, 8)}  ${names.map((name) => `${quoteForTerminal(name)} ${words(name)}`).join(' · ')}`;
}

/** How an operation ended, and when: `acknowledged 02:10:04.123`, `refused (503) 02:10:04.123`. */
function outcomeWords(op: Op): string {
  if (op.completedMs === undefined) return 'unanswered';
  const at = clockTime(op.completedMs);
  if (op.outcome === 'ok') return `${op.kind === 'get' ? 'answered' : 'acknowledged'} ${at}`;
  if (op.outcome === 'timeout') return `timed out ${at}`;
  return op.status === undefined ? `unreachable ${at}` : `refused (${op.status}) ${at}`;
}

/** `PUT "c3-17" at quorum through node-7071, acknowledged 02:10:04.123` */
function describeOp(op: Op): string {
  const what = op.kind === 'put' ? `PUT ${JSON.stringify(op.value)}` : op.kind === 'delete' ? 'DELETE' : 'GET';
  return `${what} at ${op.consistency} through ${quoteForTerminal(op.coordinator)}, ${outcomeWords(op)}`;
}

/** The PUT that wrote `found` (every PUT writes a value of its own), if any did. */
function writerOf(result: CheckResult, key: string, found: string | null): Op | undefined {
  return found === null ? undefined : writersOf(result).get(key)?.get(found);
}

/** Each key's PUTs by the value they wrote, built once per result: --json names a writer for every violation. */
const writersByResult = new WeakMap<CheckResult, Map<string, Map<string, Op>>>();

function writersOf(result: CheckResult): Map<string, Map<string, Op>> {
  let writers = writersByResult.get(result);
  if (writers === undefined) {
    writers = new Map();
    for (const op of result.workload.history.ops) {
      if (op.kind !== 'put' || op.value === undefined) continue;
      const byValue = writers.get(op.key) ?? new Map<string, Op>();
      if (!byValue.has(op.value)) byValue.set(op.value, op);
      writers.set(op.key, byValue);
    }
    writersByResult.set(result, writers);
  }
  return writers;
}

/** What a read found, and which write left it when one did. */
function describeFound(result: CheckResult, key: string, found: string | null): string {
  if (found === null) return 'nothing (404)';
  const writer = writerOf(result, key, found);
  return writer === undefined ? JSON.stringify(found) : `${JSON.stringify(found)} (${describeOp(writer)})`;
}

function examples<T>(items: readonly T[], line: (item: T) => string): string[] {
  const shown = items.slice(0, EXAMPLES_SHOWN_MAX).map((item) => `    ${line(item)}`);
  return items.length > EXAMPLES_SHOWN_MAX ? [...shown, `    ... and ${count(items.length - EXAMPLES_SHOWN_MAX)} more (--json lists them all)`] : shown;
}

function operationLines(result: CheckResult): string[] {
  const ops = result.workload.history.ops;
  const byKind = (kind: Op['kind']) => count(ops.filter((op) => op.kind === kind).length);
  const totals = [...result.workload.totals().values()].reduce((sum, tally) => ({ ok: sum.ok + tally.ok, refused: sum.refused + tally.refused, timeout: sum.timeout + tally.timeout, unreachable: sum.unreachable + tally.unreachable }), emptyTally());
  const refusals = [...result.workload.refusals].sort((a, b) => b[1] - a[1]).map(([reason, times]) => `${count(times)} × ${reason}`).join(', ');
  const oneShare = Math.round(result.plan.oneShare * 100);
  const times = answerTimesByMember(ops);
  return [
    `check ${result.runId}: ${count(ops.length)} operations (${byKind('put')} PUT, ${byKind('delete')} DELETE, ${byKind('get')} GET; ${oneShare}% at one, the rest at quorum) from ${result.plan.clients} clients in ${(result.loadMs / 1000).toFixed(1)} s${result.interrupted ? ', stopped by Ctrl-C' : ''}`,
    `  seed ${result.plan.seed}; keys ${quoteForTerminal(result.keyPrefix)}k00000.. (swarmkv ls --prefix ${quoteForTerminal(result.keyPrefix)})`,
    `  answered: ${count(totals.ok)} ok, ${count(totals.refused)} refused${refusals === '' ? '' : ` (${refusals})`}, ${count(totals.timeout)} timed out, ${count(totals.unreachable)} unreachable`,
    `  by member: ${result.targets.map((target) => `${quoteForTerminal(target.name)} ${tallyWords(result.workload.totals().get(target.name), 0, times.get(target.name))}`).join(' · ')}`,
    ...(result.plan.script === undefined ? [] : [`  scenario ${quoteForTerminal(result.plan.script.name)}: ${result.scriptExitCode === 0 ? (result.interrupted ? 'stopped by Ctrl-C' : 'ran through') : `a line failed with exit code ${result.scriptExitCode} (above), and the scenario stopped there`}`]),
  ];
}

function findingLines(result: CheckResult): string[] {
  const { data, reads } = result;
  const staleAt = (level: 'one' | 'quorum' | 'all') => reads.stale.filter((stale) => stale.read.consistency === level);
  const staleQuorum = [...staleAt('quorum'), ...staleAt('all')];
  return [
    `  final reads at quorum, ${(result.plan.settleMs / 1000).toFixed(1)} s after the load: ${count(result.finalReads.keys)} keys, ${count(result.finalReads.unread.length)} unread${result.finalReads.unread.length > 0 ? ' (no member answered: their writes are not judged)' : ''}`,
    `  lost writes: ${count(data.lost.length)} of ${count(data.acknowledgedQuorumPuts)} PUTs acknowledged at quorum`,
    ...examples(data.lost, (v) => `${quoteForTerminal(v.key)}: ${describeOp(v.op)}; the final read found ${describeFound(result, v.key, v.found)}`),
    `  undone deletes: ${count(data.resurrected.length)} of ${count(data.acknowledgedQuorumDeletes)} DELETEs acknowledged at quorum`,
    ...examples(data.resurrected, (v) => `${quoteForTerminal(v.key)}: ${describeOp(v.op)}; the final read found ${describeFound(result, v.key, v.found)}`),
    `  values no client wrote: ${count(data.phantoms.length + reads.impossible.length)}`,
    ...examples(data.phantoms, (p) => `${quoteForTerminal(p.key)}: the final read found ${JSON.stringify(p.found)}`),
    ...examples(reads.impossible, (read) => `${quoteForTerminal(read.key)}: ${describeOp(read)} read ${JSON.stringify(read.readValue)}, which no write sent before it answered could have left`),
    `  stale reads: ${count(staleQuorum.length)} of ${count(reads.reads.quorum + reads.reads.all)} at quorum (R + W > N: each must see every quorum write acknowledged before it began); ${count(staleAt('one').length)} of ${count(reads.reads.one)} at one (one replica asked: allowed)`,
    ...examples(staleQuorum, (stale) => `${quoteForTerminal(stale.read.key)}: ${describeOp(stale.read)}, found ${describeFound(result, stale.read.key, stale.read.readValue ?? null)}; it missed ${describeOp(stale.missed)}`),
  ];
}

/** Any of these fails the check: what the store promises at quorum did not hold. */
export function violations(result: CheckResult): number {
  const staleQuorum = result.reads.stale.filter((stale) => stale.read.consistency !== 'one').length;
  return result.data.lost.length + result.data.resurrected.length + result.data.phantoms.length + result.reads.impossible.length + staleQuorum;
}

export function checkExitCode(result: CheckResult): number {
  if (violations(result) > 0) return exitCodes.checkFailed;
  if (result.finalReads.unread.length > 0) return exitCodes.unreachable;
  return result.scriptExitCode;
}

export function summaryLines(result: CheckResult): string[] {
  const found = violations(result);
  const verdict =
    found > 0
      ? `verdict: FAILED, ${count(found)} violation${found === 1 ? '' : 's'} of what quorum promises (above)`
      : result.finalReads.unread.length > 0
        ? `verdict: incomplete, ${count(result.finalReads.unread.length)} keys could not be read back`
        : 'verdict: ok, every write acknowledged at quorum was read back, and every quorum read saw the writes acknowledged before it';
  return [...operationLines(result), ...findingLines(result), verdict];
}

/** An operation with its times as ISO wall-clock times, for --json. */
function withWallTimes(op: Op): Record<string, unknown> {
  const { invokedMs, completedMs, ...rest } = op;
  return { ...rest, invokedAt: new Date(wallClockOffsetMs + invokedMs).toISOString(), ...(completedMs === undefined ? {} : { completedAt: new Date(wallClockOffsetMs + completedMs).toISOString() }) };
}

/** A lost write or undone delete for --json, with the write that left what the final read found. */
function violationJson(result: CheckResult, violation: Violation): Record<string, unknown> {
  const writer = writerOf(result, violation.key, violation.found);
  return { key: violation.key, op: withWallTimes(violation.op), found: violation.found, foundWrittenBy: writer === undefined ? null : withWallTimes(writer) };
}

/** The whole result for --json: counts, and every violation with the operations behind it. */
export function summaryJson(result: CheckResult): unknown {
  const { data, reads } = result;
  const times = answerTimesByMember(result.workload.history.ops);
  return {
    runId: result.runId,
    seed: result.plan.seed,
    keyPrefix: result.keyPrefix,
    members: result.targets,
    loadMs: Math.round(result.loadMs),
    interrupted: result.interrupted,
    scriptExitCode: result.plan.script === undefined ? null : result.scriptExitCode,
    operations: result.workload.history.counts(),
    byMember: Object.fromEntries([...result.workload.totals()].map(([name, tally]) => [name, { ...tally, answerTimes: times.get(name) ?? null }])),
    refusals: Object.fromEntries(result.workload.refusals),
    finalReads: { keys: result.finalReads.keys, unread: result.finalReads.unread },
    acknowledgedQuorumPuts: data.acknowledgedQuorumPuts,
    acknowledgedQuorumDeletes: data.acknowledgedQuorumDeletes,
    lost: data.lost.map((v) => violationJson(result, v)),
    undoneDeletes: data.resurrected.map((v) => violationJson(result, v)),
    phantoms: data.phantoms,
    impossibleReads: reads.impossible.map(withWallTimes),
    reads: reads.reads,
    staleReads: reads.stale.map((stale) => ({ read: withWallTimes(stale.read), missed: withWallTimes(stale.missed) })),
    violations: violations(result),
    ok: checkExitCode(result) === exitCodes.ok,
  };
}
