// The checker on synthetic histories, where the right answer is known: a lost write, a resurrection, a
// write replaced by a later acknowledged one, a failed write that may or may not have landed, false and
// justified dead verdicts, and minority-side answers.

import { describe, expect, test } from 'bun:test';
import { analyzeData } from './checker';
import { type CompletedOp, type Consistency, type Op, type Outcome } from './history';
import { judgeMinority } from './minority';
import { Random } from './random';
import { randomSchedule } from './schedule';
import { judgeVerdicts } from './verdicts';
import type { ClusterNode } from '../support/cluster';
import { type FaultInterval } from './timeline';

let nextId = 0;
function op(kind: Op['kind'], key: string, invokedMs: number, completedMs: number, outcome: Outcome, extra: Partial<Op> & { consistency?: Consistency } = {}): CompletedOp {
  return { id: nextId++, client: 'c0', kind, key, consistency: 'quorum', coordinator: 'n1', invokedMs, completedMs, outcome, status: outcome === 'ok' ? (kind === 'delete' ? 204 : 200) : 503, ...extra };
}

describe('analyzeData', () => {
  test('an acknowledged write whose key reads back an older value is lost', () => {
    const ops = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('put', 'k', 20, 30, 'ok', { value: 'b' })];
    const findings = analyzeData(ops, new Map([['k', 'a']]));
    expect(findings.lost.map((v) => v.op.value)).toEqual(['b']);
    expect(findings.resurrected).toEqual([]);
  });

  test('an acknowledged write whose key is absent, with no delete after it, is lost', () => {
    const findings = analyzeData([op('put', 'k', 0, 10, 'ok', { value: 'a' })], new Map([['k', null]]));
    expect(findings.lost).toHaveLength(1);
  });

  test('a write replaced by a later acknowledged write is not lost', () => {
    const ops = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('put', 'k', 20, 30, 'ok', { value: 'b' })];
    expect(analyzeData(ops, new Map([['k', 'b']])).lost).toEqual([]);
  });

  test('overlapping acknowledged writes may land in either order', () => {
    const ops = [op('put', 'k', 0, 30, 'ok', { value: 'a' }), op('put', 'k', 10, 20, 'ok', { value: 'b' })];
    expect(analyzeData(ops, new Map([['k', 'a']])).lost).toEqual([]);
    expect(analyzeData(ops, new Map([['k', 'b']])).lost).toEqual([]);
  });

  test('a failed write may or may not have landed: either final state is fine', () => {
    const ops = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('put', 'k', 20, 30, 'failed', { value: 'b' }), op('put', 'k', 40, 50, 'timeout', { value: 'c' })];
    for (const found of ['a', 'b', 'c']) expect(analyzeData(ops, new Map([['k', found]])).lost).toEqual([]);
  });

  test('a failed write does not excuse a lost acknowledged write that came after it', () => {
    const ops = [op('put', 'k', 0, 10, 'failed', { value: 'a' }), op('put', 'k', 20, 30, 'ok', { value: 'b' })];
    expect(analyzeData(ops, new Map([['k', 'a']])).lost.map((v) => v.op.value)).toEqual(['b']);
  });

  test('an acknowledged delete whose key reads back a value written before it is a resurrection', () => {
    const ops = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('delete', 'k', 20, 30, 'ok')];
    const findings = analyzeData(ops, new Map([['k', 'a']]));
    expect(findings.resurrected).toHaveLength(1);
    expect(findings.resurrected[0]!.found).toBe('a');
    expect(findings.lost).toEqual([]);
  });

  test('a value written after the delete is not a resurrection; a 404 delete is no write', () => {
    const ops = [op('delete', 'k', 0, 10, 'ok'), op('put', 'k', 20, 30, 'ok', { value: 'b' })];
    expect(analyzeData(ops, new Map([['k', 'b']])).resurrected).toEqual([]);
    const noop = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('delete', 'k', 20, 30, 'ok', { status: 404 })];
    expect(analyzeData(noop, new Map([['k', null]])).lost).toHaveLength(1);
  });

  test('writes at consistency one are not judged, but explain the final state', () => {
    const ops = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('put', 'k', 20, 30, 'ok', { value: 'b', consistency: 'one' })];
    const findings = analyzeData(ops, new Map([['k', 'b']]));
    expect(findings.lost).toEqual([]);
    expect(findings.acknowledgedQuorumPuts).toBe(1);
    expect(analyzeData(ops, new Map([['k', 'a']])).lost).toEqual([]);
  });

  test('a value nobody wrote is a phantom', () => {
    expect(analyzeData([op('put', 'k', 0, 10, 'ok', { value: 'a' })], new Map([['k', 'zzz']])).phantoms).toEqual([{ key: 'k', found: 'zzz' }]);
  });
});

function interval(fields: Partial<FaultInterval> & Pick<FaultInterval, 'startMs'>): FaultInterval {
  return { kind: 'cut', description: 'test', downNodes: [], cutLinks: [], ...fields };
}

describe('judgeVerdicts', () => {
  test('a dead verdict with no fault around is false; one about a killed node, or across a cut, is not', () => {
    const faults = [interval({ kind: 'kill', downNodes: ['n3'], startMs: 1000, endMs: 5000 }), interval({ cutLinks: [['n1', 'n2']], startMs: 50_000, endMs: 60_000 })];
    const findings = judgeVerdicts(
      [
        { observer: 'n1', member: 'n3', atMs: 4000 },
        { observer: 'n2', member: 'n1', atMs: 55_000 },
        { observer: 'n4', member: 'n1', atMs: 56_000 },
        { observer: 'n1', member: 'n4', atMs: 40_000 },
      ],
      faults,
      1000,
    );
    expect(findings.justified).toBe(2);
    expect(findings.propagated.map((v) => v.observer)).toEqual(['n4']);
    expect(findings.falseVerdicts).toEqual([{ observer: 'n1', member: 'n4', atMs: 40_000 }]);
  });
});

describe('judgeMinority', () => {
  const partition = interval({ kind: 'partition', sides: [['n1', 'n2'], ['n3', 'n4', 'n5']], startMs: 1000, endMs: 20_000 });
  const home = new Map([['far', ['n3', 'n4', 'n5']], ['near', ['n1', 'n2', 'n3']]]);

  test('a minority request for a key it cannot reach W of: 503 in time passes; success, slow 503 and timeout are reported', () => {
    const ops = [
      op('put', 'far', 2000, 3500, 'failed', { value: 'x' }),
      op('put', 'far', 4000, 4100, 'ok', { value: 'y' }),
      op('get', 'far', 5000, 7500, 'failed'),
      op('put', 'far', 8000, 13_000, 'timeout', { value: 'z', status: undefined }),
      op('put', 'near', 9000, 9100, 'ok', { value: 'w' }),
      op('put', 'far', 19_000, 19_100, 'ok', { value: 'v' }),
      op('put', 'far', 9000, 9100, 'ok', { value: 'u', coordinator: 'n4' }),
    ];
    const findings = judgeMinority(ops, [partition], home, 3, 'home');
    expect(findings.judged).toBe(4);
    expect(findings.answered503InTime).toBe(1);
    expect(findings.successes.map((o) => o.value)).toEqual(['y']);
    expect(findings.slow503).toHaveLength(1);
    expect(findings.hangsOrOther.map((o) => o.value)).toEqual(['z']);
  });

  test('the isolated scope judges only a side with fewer than W nodes', () => {
    const ops = [op('put', 'far', 2000, 3500, 'failed', { value: 'x' }), op('put', 'far', 2000, 3500, 'failed', { value: 'x', coordinator: 'n5' })];
    expect(judgeMinority(ops, [partition], home, 3, 'isolated').judged).toBe(0);
    const isolated = interval({ kind: 'partition', sides: [['n1'], ['n2', 'n3', 'n4', 'n5']], startMs: 1000, endMs: 20_000 });
    const findings = judgeMinority(ops, [isolated], home, 3, 'isolated');
    expect(findings.judged).toBe(1);
    expect(findings.answered503InTime).toBe(1);
  });
});

describe('randomSchedule', () => {
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'].map((name) => ({ name }) as ClusterNode);

  test('every seed isolates a node alone at least once, so the bars on a side smaller than W have requests to judge', () => {
    for (let seed = 0; seed < 200; seed++) {
      const steps = randomSchedule(new Random(seed), nodes, 8 * 60_000, false);
      expect({ seed, isolated: steps.some((step) => step.describe.startsWith('isolate ')) }).toEqual({ seed, isolated: true });
    }
  });

  test('the same seed draws the same schedule', () => {
    const described = (seed: number) => randomSchedule(new Random(seed), nodes, 8 * 60_000, false).map((step) => `${step.describe} ${step.holdMs} ${step.quietMs}`);
    expect(described(401_531)).toEqual(described(401_531));
    expect(described(401_531)).not.toEqual(described(679_816));
  });
});
