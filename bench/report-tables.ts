// The benchmark's tables, in Markdown, ready to paste into bench/RESULTS.md: one per operation with every
// system's figures and its ratios to etcd-3 and to the bare server, the A/B table of a --candidate run,
// the latency curve, and the goals.

import type { GoalOutcome } from './goals';
import type { CurvePoint } from './latency-curve';
import type { Ratios, SummaryRow, Unmeasured } from './summary';
import { BARE_REFERENCE, CANDIDATE_SYSTEM_IDS, ETCD_REFERENCE, RUNTIME_REFERENCE, SINGLE_NODE_REFERENCE, SYSTEMS, type SystemId } from './systems';
import type { Operation } from './wrk';

const times = (value: number | undefined) => (value === undefined ? '—' : `${value.toFixed(2)}×`);
const fixed = (value: number, digits: number) => value.toFixed(digits);
const ratio = (row: SummaryRow, against: SystemId, key: keyof Ratios) => times(row.against[against]?.[key]);

/** One table per operation, GET first: every system measured, candidates aside. */
export function formatSystemTables(rows: readonly SummaryRow[]): string {
  const operations = (['get', 'put'] as const).filter((operation) => rows.some((row) => row.operation === operation));
  return operations.map((operation) => `${operation.toUpperCase()}:\n\n${formatOperationTable(rows.filter((row) => row.operation === operation && !CANDIDATE_SYSTEM_IDS.includes(row.system)))}`).join('\n\n');
}

function formatOperationTable(rows: readonly SummaryRow[]): string {
  const lines = [
    '| system | conns | req/s | req/s range | p50 ms | p99 ms | req/s ÷ etcd-3 | p99 ÷ etcd-3 | req/s ÷ bare | p99 ÷ bare | req/s ÷ raw node:http | CPU cores | CPU µs/req | CPU/req ÷ durable node |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const failures = row.non2xx > 0 ? ` (${row.non2xx} non-2xx)` : '';
    lines.push(
      `| ${SYSTEMS[row.system].label}${failures} | ${row.connections} | ${Math.round(row.requestsPerSecond)} | ` +
        `${Math.round(row.requestsPerSecondMin)}–${Math.round(row.requestsPerSecondMax)} | ${fixed(row.p50Ms, 2)} | ${fixed(row.p99Ms, 2)} | ` +
        `${ratio(row, ETCD_REFERENCE, 'throughput')} | ${ratio(row, ETCD_REFERENCE, 'p99')} | ${ratio(row, BARE_REFERENCE, 'throughput')} | ${ratio(row, BARE_REFERENCE, 'p99')} | ${ratio(row, RUNTIME_REFERENCE, 'throughput')} | ` +
        `${row.serverCores === undefined ? '?' : fixed(row.serverCores, 2)} | ${row.serverCpuMicrosPerRequest === undefined ? '?' : Math.round(row.serverCpuMicrosPerRequest)} | ${ratio(row, SINGLE_NODE_REFERENCE, 'cpuPerRequest')} |`,
    );
  }
  return lines.join('\n');
}

/** The --candidate A/B table: each candidate system against the same system of the measured build. */
export function formatCandidateTable(rows: readonly SummaryRow[]): string | undefined {
  const candidates = rows.filter((row) => CANDIDATE_SYSTEM_IDS.includes(row.system));
  if (candidates.length === 0) return undefined;
  const lines = [
    '| operation | candidate (B) | A: req/s | B: req/s | req/s B ÷ A | p99 A ms | p99 B ms | p99 B ÷ A | CPU µs/req A | CPU µs/req B | CPU/req B ÷ A |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of candidates) {
    const reference = SYSTEMS[row.system].reference!;
    const a = rows.find((other) => other.system === reference && other.operation === row.operation);
    const cpu = (value: number | undefined) => (value === undefined ? '?' : String(Math.round(value)));
    lines.push(
      `| ${row.operation.toUpperCase()} | ${SYSTEMS[row.system].label} | ${a === undefined ? '?' : Math.round(a.requestsPerSecond)} | ${Math.round(row.requestsPerSecond)} | ` +
        `${ratio(row, reference, 'throughput')} | ${a === undefined ? '?' : fixed(a.p99Ms, 2)} | ${fixed(row.p99Ms, 2)} | ${ratio(row, reference, 'p99')} | ` +
        `${cpu(a?.serverCpuMicrosPerRequest)} | ${cpu(row.serverCpuMicrosPerRequest)} | ${ratio(row, reference, 'cpuPerRequest')} |`,
    );
  }
  return lines.join('\n');
}

export function formatCurve(points: readonly CurvePoint[]): string | undefined {
  if (points.length === 0) return undefined;
  const lines = ['| operation | system | share of max | offered req/s | served req/s | p50 ms | p99 ms | CPU µs/req |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |'];
  const order = (operation: Operation) => (operation === 'get' ? 0 : 1);
  for (const point of [...points].sort((a, b) => order(a.operation) - order(b.operation))) {
    lines.push(
      `| ${point.operation.toUpperCase()} | ${SYSTEMS[point.system].label} | ${Math.round(point.fraction * 100)}% | ${point.offeredRate} | ${Math.round(point.achievedRate)} | ` +
        `${fixed(point.p50Ms, 2)} | ${fixed(point.p99Ms, 2)} | ${point.cpuMicrosPerRequest === undefined ? '?' : Math.round(point.cpuMicrosPerRequest)} |`,
    );
  }
  return lines.join('\n');
}

export function formatGoals(goals: readonly GoalOutcome[]): string {
  const verdict = (met: boolean | undefined) => (met === undefined ? 'shown' : met ? 'met' : 'NOT met');
  return goals.map((goal) => `- ${goal.name}: ${goal.measured}: ${goal.measured === 'not measured' ? 'not judged' : verdict(goal.met)}`).join('\n');
}

export function formatUnmeasured(unmeasured: readonly Unmeasured[]): string {
  return unmeasured.map((entry) => `- ${SYSTEMS[entry.system].label}: not measured: ${entry.reason}`).join('\n');
}
