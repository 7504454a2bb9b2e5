// From a run's figures to the issue's bars, and to the evidence behind any failing one (the first few
// lost writes, resurrections, minority successes, false verdicts and differing replicas, exactly).

import { atLeast, atMost, type BarResult } from './bars';
import { analyzeData, analyzeReads, type DataFindings, type FinalState, type History, type Op, type ReadFindings } from '../../cli/src/checker';
import type { Convergence } from './final-state';
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
  /** Node id -> name, for the replicas that answered. */
  readonly names: ReadonlyMap<string, string>;
}

export interface Analysis {
  readonly data: DataFindings;
  /** Reads that missed a quorum write acknowledged before they began (what `swarmkv check` fails on at quorum). */
  readonly reads: ReadFindings;
  /** Minority sides smaller than W: no quorum of any kind is reachable. */
  readonly isolated: MinorityFindings;
  /** Fewer than W home replicas on the minority side (a sloppy quorum of stand-ins may still be). */
  readonly minority: MinorityFindings;
  readonly verdicts: VerdictFindings;
}

export function analyze(figures: RunFigures): Analysis {
  const ops = figures.history.completed();
  return {
    data: analyzeData(ops, figures.finals.state),
    reads: analyzeReads(ops),
    isolated: judgeMinority(ops, figures.timeline.partitions(), figures.replicas, figures.replicationFactor, 'isolated'),
    minority: judgeMinority(ops, figures.timeline.partitions(), figures.replicas, figures.replicationFactor, 'home'),
    verdicts: judgeVerdicts(figures.verdicts, figures.timeline.intervals),
  };
}

function convergenceBar(convergence: Convergence, barMs: number, enforced: boolean): BarResult {
  const measured = convergence.convergedAfterHealMs === undefined ? `${convergence.differingCount} keys still differ at the end of the watch` : `${Math.round(convergence.convergedAfterHealMs)} ms`;
  const pass = convergence.convergedAfterHealMs !== undefined && convergence.convergedAfterHealMs <= barMs;
  return { name: `replicas identical after the last heal${enforced ? '' : ' (reported only)'}`, pass, measured, bar: `<= ${barMs} ms`, informational: !enforced };
}

function minorityBars(scope: string, findings: MinorityFindings, successEnforced: boolean): BarResult[] {
  return [
    {
      name: `${scope}: quorum requests answered 503 within ${MINORITY_BAR_MS} ms`,
      pass: findings.judged > 0 && findings.answered503InTime === findings.judged,
      measured: `${findings.answered503InTime} of ${findings.judged} (slowest ${Math.round(findings.slowestMs)} ms)`,
      bar: 'all, and at least 1 judged',
      informational: !successEnforced,
    },
    { ...atMost(`${scope}: requests claiming success`, findings.successes.length, 0), informational: !successEnforced },
    atMost(`${scope}: requests hanging or answered other than 503`, findings.hangsOrOther.length, 0),
  ];
}

export interface BarOptions {
  readonly opsMin: number;
  readonly convergenceBarMs: number;
  readonly convergenceEnforced: boolean;
  /** Whether a sloppy quorum of stand-ins on the minority side counts as a false success (the issue's strict reading). */
  readonly sloppyMinorityEnforced: boolean;
}

export function chaosBars(figures: RunFigures, options: BarOptions): BarResult[] {
  const { data, reads, isolated, minority, verdicts } = analyze(figures);
  const ops = figures.history.ops.length;
  const staleAtQuorum = reads.stale.filter((stale) => stale.read.consistency !== 'one').length;
  const staleAtOne = reads.stale.length - staleAtQuorum;
  const sloppyNote = options.sloppyMinorityEnforced ? '' : ' (reported only)';
  return [
    atLeast('operations', ops, options.opsMin),
    atMost('acknowledged quorum writes lost', data.lost.length, 0, '', `of ${data.acknowledgedQuorumPuts} acknowledged quorum PUTs`),
    atMost('deleted keys resurrected', data.resurrected.length, 0, '', `of ${data.acknowledgedQuorumDeletes} acknowledged quorum DELETEs`),
    atMost('final values no client wrote', data.phantoms.length, 0),
    { ...atMost('stale reads at quorum (reported)', staleAtQuorum, 0, '', `of ${reads.reads.quorum + reads.reads.all}; at one ${staleAtOne} of ${reads.reads.one}; ${reads.impossible.length} reads of a value no write could have left`), informational: true },
    atMost('keys unreadable at consistency all after the heal', figures.finals.unread.length, 0),
    ...minorityBars(`minority side smaller than W`, isolated, true),
    ...minorityBars(`minority side without W home replicas of the key${sloppyNote}`, minority, options.sloppyMinorityEnforced),
    convergenceBar(figures.convergence, options.convergenceBarMs, options.convergenceEnforced),
    { ...atMost('false dead verdicts during faults (reported; the enforced bar is the load run)', verdicts.falseVerdicts.length, 0, '', `${verdicts.verdicts} dead verdicts: ${verdicts.justified} justified, ${verdicts.propagated.length} gossiped about a cut-off node`), informational: true },
  ];
}

/**
 * How the violating writes were acknowledged, the first clue to their cause: by fewer replicas than
 * the quorum (a coordinator whose ring is too small), by stand-ins only (sloppy quorum, no hinted
 * handoff), or by at least one home replica and a quorum of answers (anything else).
 */
function classify(label: string, ops: readonly Op[], figures: RunFigures): string[] {
  if (ops.length === 0) return [];
  const quorum = Math.floor(figures.replicationFactor / 2) + 1;
  let short = 0;
  let standInsOnly = 0;
  for (const op of ops) {
    const answered = (op.answeredBy ?? []).map((id) => figures.names.get(id) ?? id);
    if (answered.length < quorum) short++;
    else if (!answered.some((name) => (figures.replicas.get(op.key) ?? []).includes(name))) standInsOnly++;
  }
  return [`${label}: ${ops.length} in all: ${short} acknowledged by fewer than ${quorum} replicas, ${standInsOnly} by stand-ins only, ${ops.length - short - standInsOnly} otherwise`];
}

/** The evidence behind failing bars, one line each. */
export function evidence(figures: RunFigures): string[] {
  const { data, reads, isolated, minority, verdicts } = analyze(figures);
  const show = <T>(label: string, items: readonly T[], format: (item: T) => string) => items.slice(0, EVIDENCE_SHOWN_MAX).map((item) => `${label}: ${format(item)}`);
  const opText = (op: Op) => {
    const answered = (op.answeredBy ?? []).map((id) => figures.names.get(id) ?? id);
    const standIns = answered.filter((name) => !(figures.replicas.get(op.key) ?? []).includes(name));
    return `${op.kind} ${op.key}${op.value === undefined ? '' : `=${op.value}`} at ${op.consistency} via ${op.coordinator}, ${Math.round(op.invokedMs)}..${Math.round(op.completedMs ?? Number.NaN)} ms, status ${op.status}, answered by [${answered}] (stand-ins [${standIns}]), home replicas [${figures.replicas.get(op.key)}]`;
  };
  return [
    ...classify('lost', data.lost.map((v) => v.op), figures),
    ...classify('resurrected', data.resurrected.map((v) => v.op), figures),
    ...show('lost', data.lost, (v) => `${opText(v.op)}; final ${JSON.stringify(v.found)}; replicas ${figures.replicas.get(v.key)?.join(',')}`),
    ...show('resurrected', data.resurrected, (v) => `${opText(v.op)}; final ${JSON.stringify(v.found)}`),
    ...show('phantom', data.phantoms, (p) => `${p.key}=${p.found}`),
    ...show('stale quorum read', reads.stale.filter((stale) => stale.read.consistency !== 'one'), (stale) => `${opText(stale.read)} read ${JSON.stringify(stale.read.readValue)}, missing ${opText(stale.missed)}`),
    ...show('impossible read', reads.impossible, (read) => `${opText(read)} read ${JSON.stringify(read.readValue)}`),
    ...show('isolated success', isolated.successes, opText),
    ...show('isolated hang', isolated.hangsOrOther, opText),
    ...show('minority success', minority.successes, opText),
    ...show('minority hang', minority.hangsOrOther, opText),
    ...show('minority slow 503', minority.slow503, opText),
    ...show('false dead verdict', verdicts.falseVerdicts, (v) => `${v.observer} declared ${v.member} dead at ${Math.round(v.atMs)} ms`),
    ...show('replicas differ', figures.convergence.differing, (d) => `${d.key}: ${JSON.stringify(d.versions)}`),
    ...figures.timeline.intervals.map((i) => `fault: ${i.description}, ${Math.round(i.startMs)}..${Math.round(i.endMs ?? Number.NaN)} ms`),
  ];
}
