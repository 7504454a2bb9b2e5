import { describe, expect, test } from 'bun:test';
import { judgeGoals } from './goals';
import type { SummaryRow } from './summary';

const row = (system: SummaryRow['system'], operation: SummaryRow['operation'], against: SummaryRow['against']): SummaryRow => ({
  system,
  operation,
  reference: undefined,
  rounds: 3,
  connections: 32,
  requestsPerSecond: 1000,
  requestsPerSecondMin: 900,
  requestsPerSecondMax: 1100,
  p50Ms: 1,
  p99Ms: 5,
  against,
  non2xx: 0,
  socketErrors: 0,
  serverCores: 1,
  serverCpuMicrosPerRequest: 100,
  otherCoresMax: 0,
});

const outcome = (goals: ReturnType<typeof judgeGoals>, prefix: string) => goals.find((goal) => goal.name.startsWith(prefix))!;

describe('judgeGoals', () => {
  test('judges each goal from its row and ratio, with the bound the issue gives', () => {
    const rows = [
      row('cluster-quorum', 'get', { 'etcd-3': { throughput: 2.1, p99: 0.9, cpuPerRequest: 1 }, flush: { throughput: 0.5, p99: 2, cpuPerRequest: 2 } }),
      row('cluster-quorum', 'put', { 'etcd-3': { throughput: 1.9, p99: 1, cpuPerRequest: 1 }, flush: { throughput: 0.5, p99: 2, cpuPerRequest: 3.1 } }),
      row('flush', 'get', { baseline: { throughput: 0.9, p99: 1, cpuPerRequest: 1 } }),
    ];
    const goals = judgeGoals(rows, [400, 500, 2_100]);
    expect(outcome(goals, 'quorum GET req/s').met).toBe(true);
    expect(outcome(goals, 'quorum PUT req/s').met).toBe(false);
    expect(outcome(goals, 'quorum GET p99').met).toBe(true);
    // "lower than etcd's": an equal tail does not meet it.
    expect(outcome(goals, 'quorum PUT p99').met).toBe(false);
    expect(outcome(goals, 'quorum GET CPU/req').met).toBe(true);
    expect(outcome(goals, 'quorum PUT CPU/req').met).toBe(false);
    expect(outcome(goals, 'durable node GET').met).toBe(true);
    expect(outcome(goals, 'durable node PUT')).toMatchObject({ measured: 'not measured', met: undefined });
    expect(outcome(goals, 'last cluster node')).toMatchObject({ measured: '2100 ms (the others: 400, 500 ms)', met: false });
  });

  test('without a cluster, the shutdown goal is not judged', () => {
    expect(outcome(judgeGoals([], []), 'last cluster node')).toMatchObject({ measured: 'not measured', met: undefined });
  });
});
