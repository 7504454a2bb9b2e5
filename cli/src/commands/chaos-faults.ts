// `swarmkv chaos partition | delay | heal | pause | kill | skew`: faults sent to members through their
// own chaos API (docs/chaos.md), each carrying an optional --run label so its events say which run
// caused them. A cluster-wide fault is the CLI's: `partition A,B / C` tells each member of one side to
// drop the other side's messages, on both sides; `delay A,B / C` tells each to hold what it sends across.

import { defineCommand, type CommandDef } from 'citty';
import { connectionArgs, connectionHelp } from '../common-args';
import { CliFailure, exitCodes } from '../exit-codes';
import { withHelp } from '../help/command-help';
import { NodeClient, resolveToken, resolveUrls } from '../node-client';
import { printError, printJson, printLine } from '../output';
import { formatDuration, parseBoundedDurationMs } from './chaos-duration';
import { reportFailures, sendToEach, type ChaosRequest } from './chaos-fan-out';
import { chaosTargets, resolveNamed, resolveSides, type ChaosTarget } from './chaos-members';
import { describeHold } from './chaos-render';
import { CHAOS_DELAY_MS_MAX, CHAOS_PARTITION_MS_MAX, CHAOS_PAUSE_MS_MAX, CHAOS_RESTART_AFTER_MS_MAX, CHAOS_SKEW_MS_MAX } from '../../../node/src';

export const runArg = { run: { type: 'string', description: 'a label for this run, carried by every event it causes' } } as const;

interface ConnectionFlags {
  readonly url?: string;
  readonly token?: string;
  readonly json: boolean;
  readonly run?: string;
}

const clientOf = (args: ConnectionFlags) => new NodeClient(resolveUrls(args.url), resolveToken(args.token));
const names = (targets: readonly ChaosTarget[]) => targets.map((target) => target.name).join(', ');
const runNote = (run: string | undefined) => (run === undefined ? '' : ` (run ${run})`);
const withRun = (body: Record<string, unknown>, run: string | undefined) => (run === undefined ? body : { ...body, run });

/**
 * Sends the requests, prints --json or `summary` once every member applied it, else names who did not.
 * `unreachableIsFine`: members that do not answer are named on stderr but do not fail the command.
 */
async function apply(client: NodeClient, requests: readonly ChaosRequest[], args: ConnectionFlags, summary: string, unreachableIsFine = false): Promise<void> {
  const outcomes = await sendToEach(client, requests);
  const unreachable = unreachableIsFine ? outcomes.filter((outcome) => outcome.exitCode === exitCodes.unreachable) : [];
  const counted = outcomes.filter((outcome) => !unreachable.includes(outcome));
  if (args.json) printJson({ results: outcomes.map(({ target, ok, body, error }) => ({ ...target, ok, ...(ok ? { reply: body } : { error }) })) });
  else if (counted.every((outcome) => outcome.ok)) printLine(unreachable.length === 0 ? summary : `${summary}; not answering, so left out: ${names(unreachable.map((outcome) => outcome.target))}`);
  for (const outcome of unreachable) printError(`${outcome.target.name} (${outcome.target.url}): ${outcome.error ?? 'no answer'}`);
  reportFailures(counted);
}

/** Each side told to cut itself off from (or heal with, or slow its messages to) the other. */
function sideRequests(method: 'POST' | 'DELETE', path: string, left: readonly ChaosTarget[], right: readonly ChaosTarget[], extra: Record<string, unknown>, run: string | undefined): ChaosRequest[] {
  const toward = (from: readonly ChaosTarget[], to: readonly ChaosTarget[]) =>
    from.map((target) => ({ target, method, path, body: withRun({ peers: to.map((peer) => peer.nodeId), ...extra }, run) }));
  return [...toward(left, right), ...toward(right, left)];
}

export const partitionCommand = defineCommand({
  meta: {
    name: 'partition',
    description:
      'Cut the cluster in two: every member named on one side drops every peer message to and from the other side, as a network partition would. "A,B / C" names both sides; a single side is cut off from every other member. Adds to any partition already in place.',
  },
  args: {
    sides: { type: 'positional', description: 'the members of each side, by name or node id: A,B / C', required: true },
    duration: { type: 'string', description: 'heal by itself after this long (500ms, 30s, 2m); without it, until `chaos heal`' },
    ...runArg,
    ...connectionArgs,
  },
  async run({ args }) {
    const durationMs = args.duration === undefined ? undefined : parseBoundedDurationMs('--duration', args.duration, 1, CHAOS_PARTITION_MS_MAX);
    const client = clientOf(args);
    const [left, right] = resolveSides(await chaosTargets(client), args._);
    const lasting = durationMs === undefined ? 'until healed' : `for ${formatDuration(durationMs)}`;
    await apply(client, sideRequests('POST', '/chaos/partition', left, right, durationMs === undefined ? {} : { durationMs }, args.run), args, `partitioned ${names(left)} / ${names(right)} ${lasting}${runNote(args.run)}`);
  },
});

export const delayCommand = defineCommand({
  meta: {
    name: 'delay',
    description:
      'Slow the links between two sides: every peer message a member of one side sends to the other waits --by (plus up to --jitter more, still in order) before it leaves, both ways, as a slow network would. "A,B / C" names both sides; a single side is slowed toward every other member. --by 0s lifts the delay; `chaos heal` lifts it too.',
  },
  args: {
    sides: { type: 'positional', description: 'the members of each side, by name or node id: A,B / C', required: true },
    by: { type: 'string', description: `how long each message waits, one way (0s lifts; delay plus jitter at most ${CHAOS_DELAY_MS_MAX / 1000}s)`, required: true },
    jitter: { type: 'string', description: 'plus a random extra of up to this much per message (say 20ms)' },
    duration: { type: 'string', description: 'lift by itself after this long (500ms, 30s, 2m); without it, until lifted or healed' },
    ...runArg,
    ...connectionArgs,
  },
  async run({ args }) {
    const delayMs = parseBoundedDurationMs('--by', args.by, 0, CHAOS_DELAY_MS_MAX);
    const jitterMs = args.jitter === undefined ? 0 : parseBoundedDurationMs('--jitter', args.jitter, 0, CHAOS_DELAY_MS_MAX - delayMs);
    const durationMs = args.duration === undefined ? undefined : parseBoundedDurationMs('--duration', args.duration, 1, CHAOS_PARTITION_MS_MAX);
    if (delayMs === 0 && (jitterMs > 0 || durationMs !== undefined)) throw new CliFailure(exitCodes.usage, '--by 0s lifts the delay: it takes no --jitter or --duration');
    const client = clientOf(args);
    const [left, right] = resolveSides(await chaosTargets(client), args._);
    const body = { delayMs, ...(jitterMs === 0 ? {} : { jitterMs }), ...(durationMs === undefined ? {} : { durationMs }) };
    const lasting = delayMs === 0 ? '' : durationMs === undefined ? ' until lifted or healed' : ` for ${formatDuration(durationMs)}`;
    const summary = delayMs === 0 ? `lifted the delay between ${names(left)} / ${names(right)}` : `delayed messages between ${names(left)} / ${names(right)} ${describeHold(delayMs, jitterMs)} each way${lasting}`;
    await apply(client, sideRequests('POST', '/chaos/delay', left, right, body, args.run), args, `${summary}${runNote(args.run)}`);
  },
});

export const healCommand = defineCommand({
  meta: {
    name: 'heal',
    description: 'Heal partitions and lift delays: without members, on every member; with "A,B / C", between those sides only (a single side: between it and every other member).',
  },
  args: {
    sides: { type: 'positional', description: 'the sides to heal between, as for partition; none: heal everything', required: false },
    ...runArg,
    ...connectionArgs,
  },
  async run({ args }) {
    const client = clientOf(args);
    const targets = await chaosTargets(client);
    if (args._.length === 0) {
      const requests = targets.map((target): ChaosRequest => ({ target, method: 'DELETE', path: '/chaos/partition', body: args.run === undefined ? undefined : { run: args.run } }));
      // A member that does not answer (killed, say) is no reason to leave the others partitioned.
      await apply(client, requests, args, `healed every partition and delay on ${names(targets)}${runNote(args.run)}`, true);
      return;
    }
    const [left, right] = resolveSides(targets, args._);
    await apply(client, sideRequests('DELETE', '/chaos/partition', left, right, {}, args.run), args, `healed ${names(left)} / ${names(right)}${runNote(args.run)}`);
  },
});

const nodeArg = { node: { type: 'positional', description: 'the member, by name or node id', required: true } } as const;

/** The commands whose sides run on over several words (`n1,n2 / n3`), read from `args._`: run-cli lets them. */
export const COMMANDS_TAKING_ANY_WORDS: ReadonlySet<CommandDef> = new Set([partitionCommand, delayCommand, healCommand] as CommandDef[]);

export const pauseCommand = defineCommand({
  meta: {
    name: 'pause',
    description: "Stop a member's event loop for --duration, as a long GC pause or SIGSTOP would: no heartbeats, no peer messages, no HTTP. Its peers may suspect it, then it resumes on its own.",
  },
  args: { ...nodeArg, duration: { type: 'string', description: 'how long the pause lasts (500ms .. 60s)', required: true }, ...runArg, ...connectionArgs },
  async run({ args }) {
    const durationMs = parseBoundedDurationMs('--duration', args.duration, 1, CHAOS_PAUSE_MS_MAX);
    const client = clientOf(args);
    const [target] = resolveNamed(await chaosTargets(client), [args.node]);
    await apply(client, [{ target: target!, method: 'POST', path: '/chaos/pause', body: withRun({ durationMs }, args.run) }], args, `${target!.name} paused for ${formatDuration(durationMs)}${runNote(args.run)}`);
  },
});

export const killCommand = defineCommand({
  meta: {
    name: 'kill',
    description:
      'Kill a member at once, as kill -9 would: no leave, no goodbye. Its peers find out through the failure detector; only a restart brings it back: with --restart-after, `swarmkv up` (which started it) starts it again on its data after that long.',
  },
  args: {
    ...nodeArg,
    'restart-after': { type: 'string', description: 'have `swarmkv up` start the node again on its data this long after it died (0s .. 10m); a node up did not start, or a --memory one, refuses it' },
    ...runArg,
    ...connectionArgs,
  },
  async run({ args }) {
    const restartAfterMs = args['restart-after'] === undefined ? undefined : parseBoundedDurationMs('--restart-after', args['restart-after'], 0, CHAOS_RESTART_AFTER_MS_MAX);
    const client = clientOf(args);
    const [target] = resolveNamed(await chaosTargets(client), [args.node]);
    const body = withRun(restartAfterMs === undefined ? {} : { restartAfterMs }, args.run);
    const restart = restartAfterMs === undefined ? '' : `; swarmkv up starts it again in ${formatDuration(restartAfterMs)}`;
    await apply(client, [{ target: target!, method: 'POST', path: '/chaos/kill', body }], args, `${target!.name} killed (SIGKILL)${restart}${runNote(args.run)}`);
  },
});

export const skewCommand = defineCommand({
  meta: {
    name: 'skew',
    description: "Run a member's clock --offset off real time (timestamps, HLC physical time, updatedAt): with last-writer-wins, a write from a clock running ahead beats later writes. --offset 0s restores it.",
  },
  args: { ...nodeArg, offset: { type: 'string', description: 'how far off: 5s ahead, -5s behind, 0s for real time (at most 24h either way)', required: true }, ...runArg, ...connectionArgs },
  async run({ args }) {
    const offsetMs = parseBoundedDurationMs('--offset', args.offset, -CHAOS_SKEW_MS_MAX, CHAOS_SKEW_MS_MAX);
    const client = clientOf(args);
    const [target] = resolveNamed(await chaosTargets(client), [args.node]);
    const summary = offsetMs === 0 ? `${target!.name}'s clock runs on real time again` : `${target!.name}'s clock runs ${formatDuration(offsetMs)} off real time`;
    await apply(client, [{ target: target!, method: 'POST', path: '/chaos/skew', body: withRun({ offsetMs }, args.run) }], args, `${summary}${runNote(args.run)}`);
  },
});

const faultHelp = (summary: string, examples: string[]) => ({ group: 'cluster' as const, summary, examples, ...connectionHelp });
withHelp(partitionCommand, faultHelp('Cut the cluster in two', ['swarmkv chaos partition n1,n2 / n3 --duration 30s', 'swarmkv chaos partition n3']));
withHelp(delayCommand, faultHelp('Slow the links between two sides', ['swarmkv chaos delay n3 --by 200ms --duration 30s', 'swarmkv chaos delay n1 / n2,n3 --by 50ms --jitter 20ms', 'swarmkv chaos delay n3 --by 0s']));
withHelp(healCommand, faultHelp('Heal partitions and lift delays', ['swarmkv chaos heal', 'swarmkv chaos heal n3']));
withHelp(pauseCommand, faultHelp("Stop a member's event loop for a while", ['swarmkv chaos pause n2 --duration 8s']));
withHelp(killCommand, faultHelp('Kill a member as kill -9 would', ['swarmkv chaos kill n3', 'swarmkv chaos kill node-7072 --restart-after 20s']));
withHelp(skewCommand, faultHelp("Run a member's clock off real time", ['swarmkv chaos skew n1 --offset 30s', 'swarmkv chaos skew n1 --offset 0s']));
