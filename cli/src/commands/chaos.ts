// `swarmkv chaos`: faults injected through the nodes' own chaos API (nodes started with --chaos, as
// `swarmkv up` starts them), seeded and replayable, for learning how the cluster copes. The faults
// live in chaos-faults.ts, the seeded planner in chaos-plan.ts; this file holds `status`, `plan` and
// the command group itself.

import { defineCommand } from 'citty';
import { connectionArgs, connectionHelp } from '../common-args';
import { CliFailure, exitCodes } from '../exit-codes';
import { withHelp } from '../help/command-help';
import { NodeClient, resolveToken, resolveUrls } from '../node-client';
import { boundedIntegerArg } from '../parse-args';
import { printJson, printLine } from '../output';
import { parseBoundedDurationMs } from './chaos-duration';
import { sendToEach } from './chaos-fan-out';
import { delayCommand, healCommand, killCommand, partitionCommand, pauseCommand, runArg, skewCommand } from './chaos-faults';
import { chaosTargets } from './chaos-members';
import { PLAN_DEFAULT_FAULTS, PLAN_DURATION_MS_MAX, PLAN_DURATION_MS_MIN, PLAN_FAULT_KINDS, planScenario, type PlanFaultKind } from './chaos-plan';
import { mergeTimelines, statusTable, timelineLines } from './chaos-render';
import type { ChaosState } from '../../../node/src';

/** Seeds are 32-bit, the generator's whole state. */
const SEED_MAX = 0xffff_ffff;

const statusCommand = defineCommand({
  meta: {
    name: 'status',
    description: "Ask every member for its faults (partition, delay, pause, clock offset) and show every member's chaos events on one timeline, oldest first.",
  },
  args: { ...connectionArgs },
  async run({ args }) {
    const client = new NodeClient(resolveUrls(args.url), resolveToken(args.token));
    const outcomes = await sendToEach(client, (await chaosTargets(client)).map((target) => ({ target, method: 'GET', path: '/chaos' })));
    const states = outcomes.filter((outcome) => outcome.ok).map((outcome) => outcome.body as ChaosState);
    if (args.json) return printJson({ members: outcomes.map(({ target, ok, body, error }) => ({ ...target, ok, ...(ok ? { state: body } : { error }) })), timeline: mergeTimelines(states) });
    printLine(statusTable(outcomes, Date.now()));
    for (const line of timelineLines(mergeTimelines(states))) printLine(line);
  },
});

/** `--faults partition,skew`: known kinds, no repeats, at least one. */
export function parseFaultKinds(text: string): PlanFaultKind[] {
  const kinds = text.split(',').map((kind) => kind.trim()).filter((kind) => kind.length > 0);
  const unknown = kinds.filter((kind) => !(PLAN_FAULT_KINDS as readonly string[]).includes(kind));
  if (unknown.length > 0 || kinds.length === 0) throw new CliFailure(exitCodes.usage, `--faults takes some of ${PLAN_FAULT_KINDS.join(', ')}, comma-separated, got ${JSON.stringify(text)}`);
  return [...new Set(kinds)] as PlanFaultKind[];
}

export function parseSeed(text: string): number {
  return boundedIntegerArg('--seed', text, 0, SEED_MAX);
}

/** A plan names only members alive now: a fault sent to a dead one would fail the replay. */
async function aliveMemberNames(client: NodeClient): Promise<string[]> {
  return (await chaosTargets(client)).filter((target) => target.state === 'alive').map((target) => target.name);
}

const planCommand = defineCommand({
  meta: {
    name: 'plan',
    description:
      'Print a chaos scenario chosen by --seed: a `swarmkv run` script of chaos faults and sleeps lasting --duration, every line labelled --run. The same seed, duration, faults and members print the same script; `swarmkv run FILE` replays it. The members (those alive) are asked of the node at --url unless --members names them.',
  },
  args: {
    seed: { type: 'string', description: 'a whole number, 0 to 4294967295', required: true },
    duration: { type: 'string', description: 'how long the scenario lasts (10s .. 1h)', default: '60s' },
    faults: { type: 'string', description: 'the fault kinds to choose from, comma-separated: partition, pause, skew, kill, delay', default: PLAN_DEFAULT_FAULTS.join(',') },
    members: { type: 'string', description: 'member names, comma-separated, instead of asking a node' },
    'restart-kills': { type: 'boolean', description: 'for `swarmkv up`\'s cluster: each kill asks up to start the node again after the fault (`--restart-after`), so a plan may kill more than once', default: false },
    ...runArg,
    ...connectionArgs,
  },
  async run({ args }) {
    const seed = parseSeed(args.seed);
    const durationMs = parseBoundedDurationMs('--duration', args.duration, PLAN_DURATION_MS_MIN, PLAN_DURATION_MS_MAX);
    const faults = parseFaultKinds(args.faults);
    const members = args.members !== undefined ? args.members.split(',').map((name) => name.trim()).filter((name) => name.length > 0) : await aliveMemberNames(new NodeClient(resolveUrls(args.url), resolveToken(args.token)));
    if (members.length === 0) throw new CliFailure(exitCodes.usage, '--members is empty');
    const restartKills = args['restart-kills'];
    const lines = planScenario({ seed, durationMs, faults, members: [...new Set(members)], run: args.run ?? `plan-${seed}`, restartKills });
    if (args.json) return printJson({ seed, durationMs, faults, members: [...new Set(members)].sort(), restartKills, script: lines });
    for (const line of lines) printLine(line);
  },
});

export const chaosCommand = defineCommand({
  meta: {
    name: 'chaos',
    description:
      'Inject faults into a cluster whose nodes run with --chaos (swarmkv up starts them so): status, partition, delay, heal, pause, kill, skew, and plan, which prints a seeded, replayable scenario. Faults go to each member named, at its own address; with tokens, they need an admin token.',
  },
  subCommands: { status: statusCommand, partition: partitionCommand, delay: delayCommand, heal: healCommand, pause: pauseCommand, kill: killCommand, skew: skewCommand, plan: planCommand },
});

withHelp(chaosCommand, {
  group: 'cluster',
  summary: 'Inject faults: partition, delay, pause, skew, kill; plan runs',
  examples: ['swarmkv chaos status', 'swarmkv chaos partition n1,n2 / n3 --duration 30s', 'swarmkv chaos plan --seed 7 --duration 60s > scenario.txt && swarmkv run scenario.txt'],
  ...connectionHelp,
});
withHelp(statusCommand, { group: 'cluster', summary: 'Show the faults of every member and their events', examples: ['swarmkv chaos status', 'swarmkv chaos status --json'], ...connectionHelp });
withHelp(planCommand, {
  group: 'scripting',
  summary: 'Print a seeded, replayable chaos scenario',
  examples: ['swarmkv chaos plan --seed 7 --duration 60s', 'swarmkv chaos plan --seed 7 --faults partition,kill --members n1,n2,n3,n4,n5', 'swarmkv chaos plan --seed 7 --duration 2m --faults pause,kill --restart-kills'],
  choices: { faults: PLAN_FAULT_KINDS },
  ...connectionHelp,
});
