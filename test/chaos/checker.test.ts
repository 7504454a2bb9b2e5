// The chaos runner's judges on synthetic histories, where the right answer is known: false and justified
// dead verdicts, minority-side answers, and the schedule's draws. The data analysis (lost writes, stale
// reads) is tested beside it, in cli/src/checker/analysis.test.ts.

import { describe, expect, test } from 'bun:test';
import { type CompletedOp, type Consistency, type Op, type Outcome } from '../../cli/src/checker';
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
