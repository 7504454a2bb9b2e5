// One `swarmkv check`: the members to load (alive ones, from the node at --url), the workload for a
// duration or while a scenario script replays, a settling wait, then every key the workload touched
// read once more at quorum, and the history judged (cli/src/checker/). Over HTTP only.

import { analyzeData, analyzeReads, CLIENT_TIMEOUT_MS, keysOf, type DataFindings, type FinalState, type ReadFindings } from './checker';
import { CHECK_OPERATIONS_MAX, CheckWorkload, readValueOf, type CheckTarget, type NodeTally } from './check-workload';
import { chaosTargets } from './commands/chaos-members';
import { runScriptLines } from './commands/run';
import type { ScriptLine } from './commands/run-script';
import { CliFailure, exitCodes } from './exit-codes';
import { exchange } from './http-exchange';
import { keyPath, NodeClient } from './node-client';

/** How often the per-member tally is printed while the workload runs. */
export const CHECK_PROGRESS_INTERVAL_MS = 1000;
/** Final reads in flight at once: enough to read thousands of keys in seconds, few enough not to be a load test. */
const FINAL_READS_IN_FLIGHT_MAX = 16;
/** Each key is tried through the members in turn this many times before it is reported unread. */
const FINAL_READ_ATTEMPTS_MAX = 12;
const FINAL_READ_RETRY_MS = 250;

export interface CheckPlan {
  readonly urls: string[];
  readonly token: string | undefined;
  readonly seed: number;
  readonly clients: number;
  readonly keys: number;
  readonly opsPerSecond: number;
  readonly oneShare: number;
  /** How long the workload runs; with a script, until the script ends instead. */
  readonly durationMs: number;
  readonly script?: { readonly name: string; readonly lines: readonly ScriptLine[] };
  readonly settleMs: number;
}

export interface CheckIo {
  /** The members about to be loaded, in the order the ticks name them. */
  readonly started: (targets: readonly CheckTarget[]) => void;
  /** What each member's operations came to in the last interval, and how many wait for an answer now. */
  readonly tick: (tally: ReadonlyMap<string, NodeTally>, waiting: ReadonlyMap<string, number>, answeredMs: ReadonlyMap<string, readonly number[]>) => void;
  /** A line about the check's own progress. */
  readonly note: (line: string) => void;
  readonly stopRequested: () => boolean;
  /** Resolves at the first Ctrl-C: the workload stops and the check goes on to its final reads. */
  readonly stopped: Promise<void>;
}

export interface CheckResult {
  readonly plan: CheckPlan;
  readonly runId: string;
  readonly keyPrefix: string;
  readonly targets: readonly CheckTarget[];
  readonly loadMs: number;
  readonly interrupted: boolean;
  /** The first failing line's exit code, 0 when the script ran through (or there was none). */
  readonly scriptExitCode: number;
  readonly workload: CheckWorkload;
  readonly finalReads: { readonly keys: number; readonly unread: readonly string[] };
  readonly data: DataFindings;
  readonly reads: ReadFindings;
}

/** The members a check loads: every one the node at --url sees alive (or suspect: usually alive and slow). */
async function checkTargets(client: NodeClient): Promise<CheckTarget[]> {
  const targets = (await chaosTargets(client)).filter((target) => target.state === 'alive' || target.state === 'suspect');
  if (targets.length === 0) throw new CliFailure(exitCodes.unreachable, 'the node at --url sees no member alive, itself included');
  return targets.map(({ name, url }) => ({ name, url }));
}

/**
 * One write and its delete, before any load: a token that may read but not write (403), or a node that
 * refuses writes for another reason, fails the check at once with the node's own words, rather than
 * after a run whose every write was refused.
 */
async function preflight(client: NodeClient, keyPrefix: string): Promise<void> {
  const path = `${keyPath(`${keyPrefix}preflight`)}?consistency=one`;
  await client.expectOk('PUT', path, { value: 'preflight' });
  await client.expectOk('DELETE', path);
}

export async function runCheck(plan: CheckPlan, io: CheckIo): Promise<CheckResult> {
  const client = new NodeClient(plan.urls, plan.token);
  const targets = await checkTargets(client);
  const runId = `${plan.seed}-${Date.now().toString(36)}`;
  const keyPrefix = `check:${runId}:`;
  await preflight(client, keyPrefix);
  const workload = new CheckWorkload(targets, { ...plan, keyPrefix });
  io.started(targets);
  const startedMs = performance.now();
  workload.start();
  const ticker = setInterval(() => io.tick(workload.takeTally(), workload.waiting(), workload.takeAnswerTimes()), CHECK_PROGRESS_INTERVAL_MS);
  let scriptExitCode = 0;
  try {
    // A scenario runs to its end even once the history is full: its last lines heal what it broke.
    if (plan.script === undefined) await untilStopped(plan.durationMs, Promise.race([io.stopped, workload.capped]));
    else scriptExitCode = await runScriptLines(plan.script.lines, { defaultUrl: plan.urls.join(','), keepGoing: false, stopRequested: io.stopRequested, stopped: io.stopped });
  } finally {
    await workload.stop();
    clearInterval(ticker);
  }
  const loadMs = performance.now() - startedMs;
  if (workload.history.ops.length >= CHECK_OPERATIONS_MAX) io.note(`the history is full (${CHECK_OPERATIONS_MAX} operations, CHECK_OPERATIONS_MAX): the clients stopped there`);
  io.note(`load stopped after ${(loadMs / 1000).toFixed(1)} s; ${plan.settleMs > 0 ? `settling ${(plan.settleMs / 1000).toFixed(1)} s, then ` : ''}reading every key at quorum`);
  await new Promise((resolve) => setTimeout(resolve, plan.settleMs));
  const keys = keysOf(workload.history.ops);
  const { state, unread } = await finalReads(targets, plan.token, keys);
  const completed = workload.history.completed();
  // A key no member would read back has no final state: its writes are not judged (and not counted lost).
  const unreadKeys = new Set(unread);
  return {
    plan, runId, keyPrefix, targets, loadMs, interrupted: io.stopRequested(), scriptExitCode, workload,
    finalReads: { keys: keys.length, unread },
    data: analyzeData(completed.filter((op) => !unreadKeys.has(op.key)), state),
    reads: analyzeReads(completed),
  };
}

function untilStopped(durationMs: number, stopped: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, durationMs))), stopped]).finally(() => clearTimeout(timer));
}

/** Every key read at quorum, each through the members in turn until one answers 200 or 404. */
async function finalReads(targets: readonly CheckTarget[], token: string | undefined, keys: readonly string[]): Promise<{ state: FinalState; unread: string[] }> {
  const state = new Map<string, string | null>();
  const unread: string[] = [];
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  let next = 0;
  const reader = async () => {
    for (let index = next++; index < keys.length; index = next++) {
      const key = keys[index]!;
      const found = await readOnce(targets, headers, key, index);
      if (found === undefined) unread.push(key);
      else state.set(key, found);
    }
  };
  await Promise.all(Array.from({ length: FINAL_READS_IN_FLIGHT_MAX }, reader));
  return { state, unread: unread.sort() };
}

/** The key's value at quorum (null: absent), or undefined when no member answered 200 or 404 in every attempt. */
async function readOnce(targets: readonly CheckTarget[], headers: Record<string, string>, key: string, index: number): Promise<string | null | undefined> {
  for (let attempt = 0; attempt < FINAL_READ_ATTEMPTS_MAX; attempt++) {
    const target = targets[(index + attempt) % targets.length]!;
    try {
      const answer = await exchange(new URL(`${target.url}${keyPath(key)}?consistency=quorum`), 'GET', headers, undefined, CLIENT_TIMEOUT_MS);
      const found = answer.status === 200 || answer.status === 404 ? readValueOf(answer.status, answer.text) : undefined;
      if (found !== undefined) return found;
    } catch {
      // Not answering (killed, paused): the next attempt asks the next member.
    }
    await new Promise((resolve) => setTimeout(resolve, FINAL_READ_RETRY_MS));
  }
  return undefined;
}
