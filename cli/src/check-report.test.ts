// What `swarmkv check` says and how it exits, on histories built by hand: the verdict's precedence
// (a violation over unread keys over a failed scenario line), the lost write spelled out with the
// write that won, and the tick line's words for a member that answered, refused or keeps requests waiting.

import { describe, expect, test } from 'bun:test';
import { analyzeData, analyzeReads, type FinalState } from './checker';
import { answerTimes, answerTimesByMember } from './answer-times';
import { checkExitCode, summaryJson, summaryLines, tickLine } from './check-report';
import type { CheckPlan, CheckResult } from './check-run';
import { CheckWorkload, emptyTally } from './check-workload';
import { exitCodes } from './exit-codes';

const PLAN: CheckPlan = { urls: ['http://127.0.0.1:7070'], token: undefined, seed: 7, clients: 2, keys: 10, opsPerSecond: 10, oneShare: 0.5, durationMs: 1000, settleMs: 0 };
const TARGETS = [{ name: 'n1', url: 'http://127.0.0.1:7070' }, { name: 'n3', url: 'http://127.0.0.1:7072' }];

/** A result whose history is: n3 writes "old" at one, n1 then acknowledges "new" at quorum, and the key reads back `final`. */
function resultWith(final: string | null, overrides: Partial<Pick<CheckResult, 'scriptExitCode' | 'finalReads'>> = {}): CheckResult {
  const workload = new CheckWorkload(TARGETS, { ...PLAN, keyPrefix: 'check:7-x:' });
  const history = workload.history;
  history.complete(history.invoke({ client: 'c1', kind: 'put', key: 'k', value: 'old', consistency: 'one', coordinator: 'n3' }, 0), 'ok', { status: 200 }, 10);
  history.complete(history.invoke({ client: 'c0', kind: 'put', key: 'k', value: 'new', consistency: 'quorum', coordinator: 'n1' }, 20), 'ok', { status: 200 }, 30);
  history.complete(history.invoke({ client: 'c0', kind: 'get', key: 'k', consistency: 'quorum', coordinator: 'n1' }, 40), 'ok', { status: 200, readValue: final }, 50);
  const state: FinalState = new Map([['k', final]]);
  const completed = history.completed();
  return {
    plan: PLAN, runId: '7-x', keyPrefix: 'check:7-x:', targets: TARGETS, loadMs: 1000, interrupted: false, scriptExitCode: 0, workload,
    finalReads: { keys: 1, unread: [] }, data: analyzeData(completed, state), reads: analyzeReads(completed), ...overrides,
  };
}

describe('the verdict', () => {
  test('a history that kept its promises passes', () => {
    const result = resultWith('new');
    expect(checkExitCode(result)).toBe(exitCodes.ok);
    expect(summaryLines(result).at(-1)).toStartWith('verdict: ok');
    expect(summaryJson(result)).toMatchObject({ violations: 0, ok: true });
  });

  test('a lost write fails with 6, named with the write that won, before unread keys and a failed scenario line', () => {
    const result = resultWith('old', { scriptExitCode: exitCodes.refused, finalReads: { keys: 2, unread: ['k2'] } });
    expect(checkExitCode(result)).toBe(exitCodes.checkFailed);
    const lines = summaryLines(result);
    expect(lines).toContainEqual(expect.stringContaining('lost writes: 1 of 1 PUTs acknowledged at quorum'));
    expect(lines).toContainEqual(expect.stringMatching(/k: PUT "new" at quorum through n1, acknowledged \d\d:\d\d:\d\d\.\d{3}; the final read found "old" \(PUT "old" at one through n3, acknowledged/));
    // The read after the acknowledged write found the older value too: a stale quorum read.
    expect(lines).toContainEqual(expect.stringContaining('stale reads: 1 of 1 at quorum'));
    expect(lines.at(-1)).toBe('verdict: FAILED, 2 violations of what quorum promises (above)');
    const json = summaryJson(result) as { lost: { foundWrittenBy: { coordinator: string } }[]; ok: boolean };
    expect(json.lost[0]!.foundWrittenBy.coordinator).toBe('n3');
    expect(json.ok).toBe(false);
  });

  test('without violations, unread keys exit 3, then a failed scenario line exits with its code', () => {
    expect(checkExitCode(resultWith('new', { finalReads: { keys: 2, unread: ['k2'] }, scriptExitCode: exitCodes.refused }))).toBe(exitCodes.unreachable);
    expect(checkExitCode(resultWith('new', { scriptExitCode: exitCodes.refused }))).toBe(exitCodes.refused);
  });
});

describe('the tick line', () => {
  test('names each member with what its operations came to, and what still waits', () => {
    const tally = new Map([['n1', { ...emptyTally(), ok: 33 }], ['n3', { ...emptyTally(), ok: 2, refused: 20, timeout: 1 }]]);
    expect(tickLine(['n1', 'n3'], tally, new Map([['n3', 2]]))).toMatch(/^\d\d:\d\d:\d\d {2}n1 33 ok · n3 2 ok, 20 refused, 1 timed out, 2 waiting$/);
    expect(tickLine(['n1', 'n3'], new Map(), new Map([['n3', 2]]))).toMatch(/n1 nothing sent · n3 nothing answered, 2 waiting$/);
  });

  test('says how long each member took to answer: the median, and the p99 when the tail is far from it', () => {
    const tally = new Map([['n1', { ...emptyTally(), ok: 3 }], ['n3', { ...emptyTally(), ok: 4 }]]);
    const answered = new Map([['n1', [2.1, 1.9, 2.4]], ['n3', [151, 152, 153, 1_204]]]);
    expect(tickLine(['n1', 'n3'], tally, new Map(), answered)).toMatch(/ {2}n1 3 ok \(2\.1 ms median\) · n3 4 ok \(152 ms median, 1204 ms p99\)$/);
  });
});

describe('answer times over a run', () => {
  test('by member, from the history: refusals count, timeouts and unreachable members do not', () => {
    const result = resultWith('new');
    const history = result.workload.history;
    history.complete(history.invoke({ client: 'c1', kind: 'get', key: 'k', consistency: 'quorum', coordinator: 'n3' }, 100), 'failed', { status: 503, error: '503 insufficient_replicas' }, 400);
    history.complete(history.invoke({ client: 'c1', kind: 'get', key: 'k', consistency: 'quorum', coordinator: 'n3' }, 500), 'timeout', { error: 'TimeoutError' }, 5500);
    history.complete(history.invoke({ client: 'c1', kind: 'get', key: 'k', consistency: 'quorum', coordinator: 'n3' }, 600), 'failed', { error: 'ECONNREFUSED' }, 601);
    expect(answerTimesByMember(history.ops)).toEqual(new Map([['n3', { answered: 2, medianMs: 10, p99Ms: 300 }], ['n1', { answered: 2, medianMs: 10, p99Ms: 10 }]]));
    expect(answerTimes([])).toBeUndefined();
  });
});
