// From a run's figures to the issue's bars, and to the evidence behind any failing one (the first few
// lost writes, resurrections, minority successes, false verdicts and differing replicas, exactly).

import { atLeast, atMost, type BarResult } from './bars';
import { analyzeData, type DataFindings } from './checker';
import type { Convergence } from './final-state';
import type { FinalState } from './checker';
import type { History } from './history';
import { judgeMinority, MINORITY_BAR_MS, type MinorityFindings } from './minority';
import type { FaultTimeline } from './timeline';
import { judgeVerdicts, type DeadVerdict, type VerdictFindings } from './verdicts';

const EVIDENCE_SHOWN_MAX = 5;

export interface RunFigures {
  readonly history: History;
  readonly convergence: Convergence;
  readonly finals: { state: FinalState; unread: string[] };
  readonly replicas: ReadonlyMap<string, readonly string[]>;
  readonly timeline: FaultTimeline;
  readonly verdicts: readonly DeadVerdict[];
  readonly replicationFactor: number;
}

export interface Analysis {
  readonly data: DataFindings;
  readonly minority: MinorityFindings;
  readonly verdicts: VerdictFindings;
}

export function analyze(figures: RunFigures): Analysis {
  const ops = figures.history.completed();
  return {
    data: analyzeData(ops, figures.finals.state),
    minority: judgeMinority(ops, figures.timeline.partitions(), figures.replicas, figures.replicationFactor),
    verdicts: judgeVerdicts(figures.verdicts, figures.timeline.intervals),
  };
}

function convergenceBar(convergence: Convergence, barMs: number, enforced: boolean): BarResult {
  const measured = convergence.convergedAfterHealMs === undefined ? `${convergence.differingCount} keys still differ at the end of the watch` : `${Math.round(convergence.convergedAfterHealMs)} ms`;
  const pass = convergence.convergedAfterHealMs !== undefined && convergence.convergedAfterHealMs <= barMs;
  return { name: `replicas identical after the last heal${enforced ? '' : ' (reported only until hinted handoff and anti-entropy land)'}`, pass, measured, bar: `<= ${barMs} ms`, informational: !enforced };
}

export function chaosBars(figures: RunFigures, options: { opsMin: number; convergenceBarMs: number; convergenceEnforced: boolean }): BarResult[] {
  const { data, minority, verdicts } = analyze(figures);
  const ops = figures.history.ops.length;
  const minorityInTime: BarResult = {
    name: `minority-side quorum requests answered 503 within ${MINORITY_BAR_MS} ms`,
    pass: minority.judged > 0 && minority.answered503InTime === minority.judged,
    measured: `${minority.answered503InTime} of ${minority.judged} (slowest ${Math.round(minority.slowestMs)} ms)`,
    bar: `all, and at least 1 judged`,
  };
  return [
    atLeast('operations', ops, options.opsMin),
    atMost('acknowledged quorum writes lost', data.lost.length, 0, '', `of ${data.acknowledgedQuorumPuts} acknowledged quorum PUTs`),
    atMost('deleted keys resurrected', data.resurrected.length, 0, '', `of ${data.acknowledgedQuorumDeletes} acknowledged quorum DELETEs`),
    atMost('final values no client wrote', data.phantoms.length, 0),
    atMost('keys unreadable at consistency all after the heal', figures.finals.unread.length, 0),
    minorityInTime,
    atMost('minority-side requests claiming success', minority.successes.length, 0),
    atMost('minority-side requests hanging or not 503', minority.hangsOrOther.length, 0),
    convergenceBar(figures.convergence, options.convergenceBarMs, options.convergenceEnforced),
    { ...atMost('false dead verdicts during faults (reported; the enforced bar is the load run)', verdicts.falseVerdicts.length, 0, '', `${verdicts.verdicts} dead verdicts: ${verdicts.justified} justified, ${verdicts.propagated.length} gossiped about a cut-off node`), informational: true },
  ];
}

/** The evidence behind failing bars, one line each. */
export function evidence(figures: RunFigures): string[] {
  const { data, minority, verdicts } = analyze(figures);
  const show = <T>(label: string, items: readonly T[], format: (item: T) => string) => items.slice(0, EVIDENCE_SHOWN_MAX).map((item) => `${label}: ${format(item)}`);
  const opText = (op: { kind: string; key: string; value?: string; consistency: string; coordinator: string; invokedMs: number; completedMs?: number; status?: number }) =>
    `${op.kind} ${op.key}${op.value === undefined ? '' : `=${op.value}`} at ${op.consistency} via ${op.coordinator}, ${Math.round(op.invokedMs)}..${Math.round(op.completedMs ?? Number.NaN)} ms, status ${op.status}`;
  return [
    ...show('lost', data.lost, (v) => `${opText(v.op)}; final ${JSON.stringify(v.found)}; replicas ${figures.replicas.get(v.key)?.join(',')}`),
    ...show('resurrected', data.resurrected, (v) => `${opText(v.op)}; final ${JSON.stringify(v.found)}`),
    ...show('phantom', data.phantoms, (p) => `${p.key}=${p.found}`),
    ...show('minority success', minority.successes, opText),
    ...show('minority hang', minority.hangsOrOther, opText),
    ...show('minority slow 503', minority.slow503, opText),
    ...show('false dead verdict', verdicts.falseVerdicts, (v) => `${v.observer} declared ${v.member} dead at ${Math.round(v.atMs)} ms`),
    ...show('replicas differ', figures.convergence.differing, (d) => `${d.key}: ${JSON.stringify(d.versions)}`),
    ...figures.timeline.intervals.map((i) => `fault: ${i.description}, ${Math.round(i.startMs)}..${Math.round(i.endMs ?? Number.NaN)} ms`),
  ];
}
