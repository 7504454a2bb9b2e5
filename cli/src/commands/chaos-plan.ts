// `swarmkv chaos plan`: a chaos scenario chosen by a seed, printed as a `swarmkv run` script so it can
// be read, edited, kept and replayed. The choice depends only on the seed, the duration, the fault
// kinds and the members' names (sorted), so the same inputs print the same script on any machine.
//
// Faults come one at a time, each followed by a quiet gap, so a learner can tell which fault caused
// what they see: a partition heals by itself (its --duration) and the script sleeps past it, as does a
// delay of one member's links; a pause is slept through; a skew is held, then set back to 0. A kill cannot be undone: at most one per plan,
// only while more than two members are left, and the killed member is never named again; unless the
// plan is for `swarmkv up`'s cluster (--restart-kills), where a kill asks up to start the node again
// after the fault's duration, and the member is back, to be named again, once the gap after it passed.

import { CHAOS_PAUSE_MS_MAX, SeededRandom } from '../../../node/src';
import { formatDuration } from './chaos-duration';

export const PLAN_FAULT_KINDS = ['partition', 'pause', 'skew', 'kill', 'delay'] as const;
export type PlanFaultKind = (typeof PLAN_FAULT_KINDS)[number];
/** What `--faults` defaults to: every fault the cluster recovers from on its own (no kill). */
export const PLAN_DEFAULT_FAULTS: readonly PlanFaultKind[] = ['partition', 'pause', 'skew'];

/** The shortest scenario worth planning: one fault and its gap. */
export const PLAN_DURATION_MS_MIN = 10_000;
/** The longest: a scenario is watched, not left running for days. */
export const PLAN_DURATION_MS_MAX = 3_600_000;
/** Each fault lasts this share of the scenario, at least FAULT_MS_MIN. */
const FAULT_SHARE_MIN = 0.1;
const FAULT_SHARE_MAX = 0.3;
const FAULT_MS_MIN = 2_000;
/** The quiet gap after each fault: this share of the scenario, at least GAP_MS_MIN. */
const GAP_SHARE_MIN = 0.05;
const GAP_SHARE_MAX = 0.15;
const GAP_MS_MIN = 2_000;
/**
 * A delay holds each message a multiple of DELAY_STEP_MS up to DELAY_MS_MAX: from a slow link that only
 * moves quorums and hedges to one past the failure detector's ping timeout, which makes the member suspect.
 */
const DELAY_STEP_MS = 50;
const DELAY_MS_MAX = 1_000;
/** Skews are whole seconds up to this, either way: enough to reorder writes under last-writer-wins. */
const SKEW_MS_MAX = 60_000;
/**
 * After a kill that up restarts, the quiet gap lasts at least this: the node starts (~0.3 s), its peers
 * see it alive (~1 s) and run their anti-entropy pass 2 s later (MEMBER_RETURN_PASS_DELAY_MS).
 */
const RESTART_SETTLE_MS = 5_000;
/** Times are whole seconds, so the script reads easily. */
const STEP_MS = 1_000;

export interface PlanInput {
  readonly seed: number;
  readonly durationMs: number;
  readonly faults: readonly PlanFaultKind[];
  /** Member names; their order does not matter. */
  readonly members: readonly string[];
  /** The --run label every line carries. */
  readonly run: string;
  /** Kills ask `swarmkv up` to start the node again after the fault's duration (`--restart-after`). */
  readonly restartKills?: boolean;
}

/** The scenario's lines, comments first; `chaos` and `sleep` lines, as `swarmkv run` reads them. */
export function planScenario(input: PlanInput): string[] {
  const random = new SeededRandom(input.seed);
  const between = (lowMs: number, highMs: number) => Math.round((lowMs + random.next() * (highMs - lowMs)) / STEP_MS) * STEP_MS;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random.next() * items.length)]!;
  const tag = `--run ${input.run}`;
  let alive = [...input.members].sort();
  let killed = false;
  let elapsedMs = 0;
  const lines = header(input);
  const share = (fraction: number) => fraction * input.durationMs;
  for (;;) {
    const gapMs = Math.max(GAP_MS_MIN, between(share(GAP_SHARE_MIN), share(GAP_SHARE_MAX)));
    const roomMs = input.durationMs - elapsedMs - gapMs;
    const restartGapMs = Math.max(gapMs, RESTART_SETTLE_MS);
    const killFits = input.restartKills !== true || input.durationMs - elapsedMs - restartGapMs >= FAULT_MS_MIN;
    const kinds = input.faults.filter((kind) => (kind === 'kill' ? !killed && alive.length > 2 && killFits : (kind !== 'partition' && kind !== 'delay') || alive.length > 1));
    if (roomMs < FAULT_MS_MIN || kinds.length === 0) break;
    const kind = pick(kinds);
    const faultMsMax = kind === 'pause' ? Math.min(roomMs, CHAOS_PAUSE_MS_MAX) : roomMs;
    const faultMs = Math.min(faultMsMax, Math.max(FAULT_MS_MIN, between(share(FAULT_SHARE_MIN), share(FAULT_SHARE_MAX))));
    const node = pick(alive);
    // Each fault is followed by one sleep through it and the quiet gap after it (a skew is set back first).
    if (kind === 'partition') {
      const cut = shuffled(alive, random).slice(0, Math.max(1, Math.floor((alive.length - 1) / 2))).sort();
      const rest = alive.filter((name) => !cut.includes(name));
      lines.push(`chaos partition ${cut.join(',')} / ${rest.join(',')} --duration ${formatDuration(faultMs)} ${tag}`, `sleep ${formatDuration(faultMs + gapMs)}`);
    } else if (kind === 'delay') {
      const delayMs = Math.max(1, Math.round((random.next() * DELAY_MS_MAX) / DELAY_STEP_MS)) * DELAY_STEP_MS;
      lines.push(`chaos delay ${node} --by ${formatDuration(delayMs)} --duration ${formatDuration(faultMs)} ${tag}`, `sleep ${formatDuration(faultMs + gapMs)}`);
    } else if (kind === 'pause') {
      lines.push(`chaos pause ${node} --duration ${formatDuration(faultMs)} ${tag}`, `sleep ${formatDuration(faultMs + gapMs)}`);
    } else if (kind === 'skew') {
      const offsetMs = (random.next() < 0.5 ? -1 : 1) * Math.max(STEP_MS, between(0, SKEW_MS_MAX));
      lines.push(`chaos skew ${node} --offset ${formatDuration(offsetMs)} ${tag}`, `sleep ${formatDuration(faultMs)}`, `chaos skew ${node} --offset 0s ${tag}`, `sleep ${formatDuration(gapMs)}`);
    } else if (input.restartKills === true) {
      // Dead for faultMs, then started again by up; the member is back for the faults after the gap.
      const deadMs = Math.min(faultMs, input.durationMs - elapsedMs - restartGapMs);
      lines.push(`chaos kill ${node} --restart-after ${formatDuration(deadMs)} ${tag}`, `sleep ${formatDuration(deadMs + restartGapMs)}`);
      elapsedMs += deadMs + restartGapMs;
      continue;
    } else {
      lines.push(`chaos kill ${node} ${tag}`, `sleep ${formatDuration(faultMs + gapMs)}`);
      alive = alive.filter((name) => name !== node);
      killed = true;
    }
    elapsedMs += faultMs + gapMs;
  }
  lines.push(`chaos heal ${tag}`);
  return lines;
}

function header(input: PlanInput): string[] {
  const restartKills = input.restartKills === true ? ' --restart-kills' : '';
  return [
    `# swarmkv chaos plan --seed ${input.seed} --duration ${formatDuration(input.durationMs)} --faults ${input.faults.join(',')}${restartKills} --run ${input.run}`,
    `# members: ${[...input.members].sort().join(' ')} (the same seed, duration, faults and members print this same script)`,
    '# replay it against the cluster: swarmkv run FILE --url URL1,URL2 (several URLs, in case one is the node paused or killed)',
    ...(input.restartKills === true ? ['# its kills ask swarmkv up to start the node again: replay it against the cluster up runs'] : []),
  ];
}

/** A seeded Fisher-Yates shuffle of a copy. */
function shuffled<T>(items: readonly T[], random: SeededRandom): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random.next() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}
