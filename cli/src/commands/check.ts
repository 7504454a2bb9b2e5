// `swarmkv check`: a seeded client workload sent to every live member, for a duration or while a
// scenario script (`swarmkv run`'s format) replays, then what the clients saw, judged: writes
// acknowledged at quorum that were lost, deletes undone, values nobody wrote, reads that missed an
// acknowledged write. For learners: run it beside `swarmkv up`, inject faults, and see what each side of
// a partition could do and whether the store kept its promises. The workload, the run and the report
// are check-workload.ts, check-run.ts and check-report.ts; the judging is cli/src/checker/.

import { defineCommand } from 'citty';
import { checkExitCode, summaryJson, summaryLines, tickLine } from '../check-report';
import { runCheck, type CheckPlan } from '../check-run';
import { connectionArgs, connectionHelp } from '../common-args';
import { CliFailure, exitCodes, ReportedFailure } from '../exit-codes';
import { withHelp } from '../help/command-help';
import { resolveToken, resolveUrls } from '../node-client';
import { printError, printJson, printLine } from '../output';
import { boundedIntegerArg } from '../parse-args';
import { STOP_SIGNALS } from '../stop-signals';
import { quoteForTerminal } from '../terminal-text';
import { parseSeed } from './chaos';
import { parseBoundedDurationMs } from './chaos-duration';
import { readScript } from './run-script';

export const CHECK_DURATION_MS_MAX = 3_600_000;
const CHECK_DURATION_DEFAULT = '30s';
const CHECK_DURATION_MS_MIN = 1000;
const CHECK_SETTLE_MS_MAX = 600_000;
export const CHECK_CLIENTS_MAX = 64;
export const CHECK_KEYS_MAX = 100_000;
/** A learning tool's load, not a benchmark's: `npm run bench` measures throughput. */
export const CHECK_RATE_MAX = 5000;

export const checkCommand = defineCommand({
  meta: {
    name: 'check',
    description:
      'Send a seeded workload (PUT, DELETE and GET over keys of its own, mostly at quorum) to every live member for --duration, or while the --during script replays, printing what each member answered every second; then read every key back at quorum and report lost writes, undone deletes, values nobody wrote and stale reads. Exits 6 when what quorum promises did not hold. Ctrl-C stops the load and checks what ran.',
  },
  args: {
    duration: { type: 'string', description: 'how long the load runs, without --during (1s..1h)' },
    during: { type: 'string', valueHint: 'file', description: 'a `swarmkv run` script (a chaos scenario) to replay under the load; the load stops when it ends' },
    seed: { type: 'string', valueHint: 'n', description: 'the workload\'s seed (0..4294967295): the same seed, the same operations; random if not given' },
    clients: { type: 'string', valueHint: 'n', description: `concurrent clients, spread over the members (1..${CHECK_CLIENTS_MAX})`, default: '8' },
    rate: { type: 'string', valueHint: 'per-second', description: `operations a second, all clients together (1..${CHECK_RATE_MAX})`, default: '100' },
    keys: { type: 'string', valueHint: 'n', description: `distinct keys the workload uses (1..${CHECK_KEYS_MAX})`, default: '100' },
    'one-percent': { type: 'string', valueHint: 'percent', description: 'percent of operations sent at consistency=one (0..100); the rest go at quorum', default: '15' },
    settle: { type: 'string', valueHint: 'duration', description: 'wait after the load before the final reads (0s..10m)', default: '5s' },
    ...connectionArgs,
  },
  async run({ args }) {
    if (args.during !== undefined && args.duration !== undefined) throw new CliFailure(exitCodes.usage, '--duration and --during both say how long the load runs (with --during, as long as the script); give one');
    const plan: CheckPlan = {
      urls: resolveUrls(args.url),
      token: resolveToken(args.token),
      seed: args.seed === undefined ? Math.floor(Math.random() * 0x1_0000_0000) : parseSeed(args.seed),
      clients: boundedIntegerArg('--clients', args.clients, 1, CHECK_CLIENTS_MAX),
      opsPerSecond: boundedIntegerArg('--rate', args.rate, 1, CHECK_RATE_MAX),
      keys: boundedIntegerArg('--keys', args.keys, 1, CHECK_KEYS_MAX),
      oneShare: boundedIntegerArg('--one-percent', args['one-percent'], 0, 100) / 100,
      durationMs: parseBoundedDurationMs('--duration', args.duration ?? CHECK_DURATION_DEFAULT, CHECK_DURATION_MS_MIN, CHECK_DURATION_MS_MAX),
      settleMs: parseBoundedDurationMs('--settle', args.settle, 0, CHECK_SETTLE_MS_MAX),
      ...(args.during === undefined ? {} : { script: { name: args.during === '-' ? 'stdin' : args.during, lines: readScript(args.during) } }),
    };
    // The first Ctrl-C stops the load (and the scenario) and goes on to the final reads and the
    // verdict; a second one ends the process at once.
    let stopRequested = false;
    let resolveStopped!: () => void;
    const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
    const stop = () => {
      if (stopRequested) process.exit(exitCodes.interrupted);
      stopRequested = true;
      printError('stopping the load; Ctrl-C again ends the check without its verdict');
      resolveStopped();
    };
    for (const signal of STOP_SIGNALS) process.on(signal, stop);
    let names: string[] = [];
    try {
      const result = await runCheck(plan, {
        tick: (tally, waiting, answeredMs) => process.stderr.write(`${tickLine(names, tally, waiting, answeredMs)}\n`),
        note: (line) => process.stderr.write(`${line}\n`),
        started: (targets) => {
          names = targets.map((target) => target.name);
          process.stderr.write(`loading ${names.map(quoteForTerminal).join(', ')}: ${plan.clients} clients, ${plan.opsPerSecond} operations/s over ${plan.keys} keys, seed ${plan.seed}${plan.script === undefined ? `, for ${args.duration ?? CHECK_DURATION_DEFAULT}` : `, while ${quoteForTerminal(plan.script.name)} replays`}\n`);
        },
        stopRequested: () => stopRequested,
        stopped,
      });
      if (args.json) printJson(summaryJson(result));
      else for (const line of summaryLines(result)) printLine(line);
      const code = checkExitCode(result);
      if (code !== exitCodes.ok) throw new ReportedFailure(code); // the summary said why
    } finally {
      for (const signal of STOP_SIGNALS) process.off(signal, stop);
    }
  },
});

withHelp(checkCommand, {
  group: 'cluster',
  summary: 'Load the cluster, then check what the clients saw',
  examples: [
    'swarmkv check --duration 30s',
    'swarmkv check --during examples/scenarios/partition-and-heal.txt --seed 7',
    'swarmkv check --during kills.txt --one-percent 50 --json > result.json',
  ],
  ...connectionHelp,
  defaults: { ...connectionHelp.defaults, duration: CHECK_DURATION_DEFAULT },
});
