// `swarmkv up`: a whole cluster on this machine, in the foreground. A DHT bootstrap runs inside this
// process on a free loopback UDP port; each node is a `swarmkv node` child on the same Node and script,
// its JSON log lines passed through as they are, or as one pretty stream (up-output.ts). Ctrl-C stops
// every node (SIGTERM, then SIGKILL after a bounded wait) and exits 0; a node that dies meanwhile is
// reported, and the others keep running; one whose chaos kill asked for it is started again.

import { configFields, MAX_CLOCK_OFFSET_MS_DEFAULT, REPLICATION_FACTOR_DEFAULT, type DhtBootstrap } from '../../../node/src';
import { ChildNode, describeExit } from '../child-node';
import { configurableFromEnvironment, withoutOptionVariables } from '../environment-variables';
import { waitForFormation } from '../cluster-formation';
import { CliFailure, exitCodes } from '../exit-codes';
import { freeUdpPort } from '../free-udp-port';
import { NodeClient } from '../node-client';
import { printError } from '../output';
import { STOP_SIGNALS } from '../stop-signals';
import { restartHintOf, summaryOf } from '../up-summary';
import { nodeArgs, planUp, UP_HOST, type UpNodePlan, type UpPlan } from '../up-plan';
import { formatDuration } from './chaos-duration';
import { withHelp } from '../help/command-help';
import { logFormatArgs, resolveLogFormat } from '../log-format/log-format-option';
import { upOutput, type UpOutput } from '../up-output';
import { upHelp } from './up-help';

/**
 * How long `up` waits for each node's `node.listening` line by default (--node-start-timeout-ms). A node
 * logs it ~0.3 s after it starts on an idle machine and within 4 s with both cores of a 2-core machine
 * busy (measured, three nodes at once): one that has not logged it after this is stuck, not slow, and
 * `up` names it, shows its last lines, stops every process it started and exits non-zero.
 */
export const UP_NODE_START_MS_MAX = 30_000;
/** Binding the bootstrap's UDP socket takes milliseconds; a bootstrap not ready after this is stuck. */
export const UP_BOOTSTRAP_START_MS_MAX = 10_000;
/** A node drains in at most 5 s (the daemon's own bound); after this it is killed. */
export const UP_STOP_MS_MAX = 10_000;
/**
 * Three nodes formed one ring 5.4-5.7 s after they listened on this 2-core machine (they join one after
 * another); after this `up` says what is still missing instead of that the cluster is ready.
 */
export const UP_FORM_MS_MAX = 60_000;
/** Attempts at a free UDP port for the bootstrap (another process can take the one found first). */
const BOOTSTRAP_PORT_ATTEMPTS_MAX = 5;
/** Lines of a stuck node's output shown with its name. */
const STUCK_NODE_LINES_SHOWN = 5;

/** Counts stop signals: the first asks for a clean stop, a second one for SIGKILL at once. */
class StopRequests {
  readonly first: Promise<NodeJS.Signals>;
  #count = 0;
  readonly #handler: (signal: NodeJS.Signals) => void;

  constructor(onRepeat: () => void) {
    let resolveFirst: (signal: NodeJS.Signals) => void = () => {};
    this.first = new Promise((resolve) => (resolveFirst = resolve));
    this.#handler = (signal) => {
      this.#count++;
      if (this.#count === 1) resolveFirst(signal);
      else onRepeat();
    };
    for (const signal of STOP_SIGNALS) process.on(signal, this.#handler);
  }

  get requested(): boolean {
    return this.#count > 0;
  }

  dispose(): void {
    for (const signal of STOP_SIGNALS) process.off(signal, this.#handler);
  }
}

/** Waits for the cluster to form (cluster-formation.ts) and says so on stderr, or what is missing once UP_FORM_MS_MAX passes. */
async function reportFormation(plan: UpPlan, children: readonly ChildNode[], stops: StopRequests): Promise<void> {
  const client = new NodeClient([plan.nodes[0]!.url], plan.adminToken);
  const givenUp = () => stops.requested || children.some((child) => child.exit !== undefined);
  const formation = await waitForFormation(client, plan.nodes, UP_FORM_MS_MAX, givenUp);
  if (givenUp()) return;
  const after = `${(formation.waitedMs / 1000).toFixed(1)} s after they listened`;
  if (formation.formed) process.stderr.write(`cluster ready: ${plan.nodes.length} node(s) on one ring (digest ${formation.digest}), no ring change in progress, ${after}\n`);
  else printError(`the cluster has not formed ${after}: ${formation.missing.join('; ')}`);
}

async function startBootstrap(plan: UpPlan, output: UpOutput): Promise<DhtBootstrap> {
  const { DhtBootstrap } = await import('../../../node/src/daemon');
  const logger = await output.bootstrapLogger(plan.logLevel);
  for (let attempt = 1; ; attempt++) {
    const bootstrap = new DhtBootstrap({ host: UP_HOST, port: await freeUdpPort(UP_HOST), log: (event, fields) => logger.info(event, fields) });
    try {
      if ((await withinMs(bootstrap.start(), UP_BOOTSTRAP_START_MS_MAX)) === TIMED_OUT) throw new Error(`the DHT bootstrap was not ready within ${UP_BOOTSTRAP_START_MS_MAX / 1000} s`);
      return bootstrap;
    } catch (error) {
      await bootstrap.close();
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= BOOTSTRAP_PORT_ATTEMPTS_MAX) throw new CliFailure(exitCodes.refused, `${(error as Error).message}; nothing was started`);
    }
  }
}

/** Starts the `swarmkv node` child of `node`: at up's start, and again when a chaos kill asked up to restart it. */
function spawnNode(plan: UpPlan, node: UpNodePlan, bootstrapAddress: string, upOutput: UpOutput): ChildNode {
  const [executable, script] = [process.execPath, process.argv[1]!];
  const output = { stdout: (line: string) => upOutput.nodeLine(line), stderr: (line: string) => upOutput.nodeError(node.name, line) };
  // `up` configures its nodes by their flags alone: a node variable in up's environment (SWARMKV_DHT_PORT,
  // say) would give every node the same value, so none reaches them; the secret and the admin token travel as their variables.
  const environment = { ...withoutOptionVariables(process.env, configFields.map((field) => field.flag)), SWARMKV_SECRET: plan.secret, ...(plan.adminToken === undefined ? {} : { SWARMKV_ADMIN_TOKEN: plan.adminToken }) };
  return new ChildNode(executable, { name: node.name, args: [script, ...nodeArgs(plan, node, bootstrapAddress)], env: environment }, output);
}

const TIMED_OUT = Symbol('timed out');

/** Resolves with what `promise` resolves with, or TIMED_OUT if it has not settled after `deadlineMs`. */
async function withinMs<T>(promise: Promise<T>, deadlineMs: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), deadlineMs)));
  try {
    return await Promise.race([promise, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Why each node still running has not come up: its name, pid and last lines. */
function describeStuck(children: readonly ChildNode[], deadlineMs: number): string {
  const stuck = children.filter((child) => child.running && !child.isListening);
  const reports = stuck.map((child) => {
    const lines = child.outputTail().slice(-STUCK_NODE_LINES_SHOWN);
    const last = lines.length === 0 ? ' (it wrote nothing)' : `; its last lines:\n${lines.map((line) => `  ${child.name}: ${line}`).join('\n')}`;
    return `${child.name} (pid ${child.pid}) did not log node.listening within ${deadlineMs / 1000} s${last}`;
  });
  return reports.join('\n');
}

/**
 * Resolves 'listening' once every node logged node.listening. Rejects naming the first node that
 * exited before it (the death itself is reported by watchForDeaths, with its last stderr lines), or,
 * after `deadlineMs`, naming every node still not listening, with its last lines.
 */
async function allListening(children: readonly ChildNode[], deadlineMs: number): Promise<'listening'> {
  const listening = Promise.all(children.map((child) => child.listening)).then(() => 'listening' as const);
  const outcome = await withinMs(listening, deadlineMs);
  if (outcome === TIMED_OUT) throw new Error(describeStuck(children, deadlineMs));
  return outcome;
}

interface DeathWatch {
  /** Resolves once no node is running and none is waiting to be started again. */
  readonly allExited: Promise<'all-exited'>;
  /** Forgets the restarts still waiting (up is stopping). */
  cancelRestarts(): void;
}

/**
 * Watches every node (`children[i]` is node i's current process; a restart replaces it). A node whose
 * chaos kill asked for it (`--restart-after`) is started again on its data after that wait; any other
 * that exits without being asked to is reported, with `restartHint`'s lines once the cluster had started.
 */
function watchForDeaths(children: ChildNode[], restartHint: (name: string) => string[], respawn: (index: number) => ChildNode): DeathWatch {
  const waiting = new Map<number, ReturnType<typeof setTimeout>>();
  let resolveAllExited: (outcome: 'all-exited') => void = () => {};
  const allExited = new Promise<'all-exited'>((resolve) => (resolveAllExited = resolve));
  const checkAllExited = () => {
    if (waiting.size === 0 && children.every((other) => !other.running)) resolveAllExited('all-exited');
  };
  const restartLater = (index: number, child: ChildNode, afterMs: number) => {
    process.stderr.write(`${child.name} (pid ${child.pid}) was killed by its chaos kill; up starts it again on its data in ${formatDuration(afterMs)}\n`);
    waiting.set(index, setTimeout(() => {
      waiting.delete(index);
      const restarted = respawn(index);
      children[index] = restarted;
      process.stderr.write(`${child.name} started again (pid ${restarted.pid})\n`);
      void restarted.listening.then((url) => process.stderr.write(`${child.name} listens again on ${url}\n`), () => {});
      watch(index);
    }, afterMs));
  };
  const watch = (index: number) => {
    const child = children[index]!;
    void child.exited.then((exit) => {
      const left = children.filter((other) => other.running).length;
      if (!child.stopRequested && child.restartAfterMs !== undefined && exit.signal === 'SIGKILL') {
        restartLater(index, child, child.restartAfterMs);
      } else if (!child.stopRequested && child.leftCluster) {
        // Its data directory refuses to rejoin (main-removals.ts): nothing to restart.
        process.stderr.write(`${child.name} left the cluster (swarmkv leave) and stopped; ${left} of ${children.length} nodes still running. To add a node back, start one on an empty data directory (the "Add a node" line above)\n`);
      } else if (!child.stopRequested) {
        printError(`${child.name} (pid ${child.pid}) ${describeExit(exit)} unexpectedly; ${left} of ${children.length} nodes still running`);
        for (const line of child.stderrTail().slice(-5)) printError(`  ${child.name}: ${line}`);
        if (left > 0) for (const line of restartHint(child.name)) process.stderr.write(`${line}\n`);
      }
      checkAllExited();
    });
  };
  children.forEach((_, index) => watch(index));
  return {
    allExited,
    cancelRestarts: () => {
      for (const timer of waiting.values()) clearTimeout(timer);
      waiting.clear();
    },
  };
}

async function stopAll(children: readonly ChildNode[], bootstrap: DhtBootstrap): Promise<void> {
  const forced = await Promise.all(children.map((child) => child.stop(UP_STOP_MS_MAX)));
  const killed = children.filter((_, index) => forced[index]).map((child) => child.name);
  if (killed.length > 0) printError(`killed ${killed.join(', ')}: not stopped within ${UP_STOP_MS_MAX / 1000} s of SIGTERM`);
  await bootstrap.close();
}

export const upCommand = configurableFromEnvironment({
  meta: {
    name: 'up',
    description:
      'Start a local cluster in the foreground: a DHT bootstrap and N nodes on 127.0.0.1, ports base..base+N-1, data in DATA_DIR/<name>. The nodes\' events are interleaved on stdout, one line each, naming their node (see --log-format); the summary, the moment the nodes have formed one ring (`cluster ready`) and any node that dies are reported on stderr. Ctrl-C stops every node. It is a learning cluster: its nodes run with --chaos, so `swarmkv chaos` can partition, pause, skew and kill them (with the admin token), and up starts a killed node again on its data when its kill asks for it (`swarmkv chaos kill NODE --restart-after 20s`).',
  },
  args: {
    nodes: { type: 'string', alias: 'n', description: 'number of nodes', default: '3' },
    'base-port': { type: 'string', description: 'HTTP port of the first node; the others follow', default: '7070' },
    'data-dir': { type: 'string', description: 'each node keeps its data in DATA_DIR/<name>', default: './data' },
    memory: { type: 'boolean', description: 'keep data in memory only; nothing survives a restart', default: false },
    secret: { type: 'string', description: 'cluster secret' },
    cluster: { type: 'string', description: 'cluster name', default: 'swarmkv' },
    replicas: { type: 'string', description: 'replication factor N of every node: with fewer replicas than nodes, a node standing in for a down replica keeps hints for it', default: String(REPLICATION_FACTOR_DEFAULT) },
    insecure: { type: 'boolean', description: 'no admin token: the nodes serve their API open on loopback, as before tokens existed', default: false },
    'log-level': { type: 'string', description: 'log level of every node: `debug`, `info`, `warn`, `error` or `silent`', default: 'info' },
    'max-clock-offset-ms': {
      type: 'string',
      description:
        "every node's bound on its clock's offset from the others': a node further off refuses to coordinate writes (503 unavailable, reason clock_offset) until it is back within it. 0: no bound, so a node skewed by `swarmkv chaos skew` goes on writing with its versions ahead or behind, and last-writer-wins shows what that costs",
      default: String(MAX_CLOCK_OFFSET_MS_DEFAULT),
    },
    'node-start-timeout-ms': { type: 'string', description: 'a node not listening this long after it was started is reported with its last lines, and the cluster is stopped (exit 4)', default: String(UP_NODE_START_MS_MAX) },
    ...logFormatArgs,
  },
  async run({ args }) {
    const plan = planUp(args);
    const output = await upOutput(resolveLogFormat(args['log-format']), plan.logLevel);
    let children: ChildNode[] = [];
    const stops = new StopRequests(() => children.forEach((child) => child.kill()));
    const lastResort = () => children.forEach((child) => child.kill());
    process.once('exit', lastResort);
    let bootstrap: DhtBootstrap | undefined;
    let deaths: DeathWatch | undefined;
    try {
      bootstrap = await startBootstrap(plan, output);
      const bootstrapAddress = `${UP_HOST}:${(await bootstrap.start()).port}`;
      children = plan.nodes.map((node) => spawnNode(plan, node, bootstrapAddress, output));
      let listening = false;
      const restartHint = (name: string) => (listening ? restartHintOf(plan, plan.nodes.find((node) => node.name === name)!, bootstrapAddress) : []);
      deaths = watchForDeaths(children, restartHint, (index) => spawnNode(plan, plan.nodes[index]!, bootstrapAddress, output));
      const started = await Promise.race([allListening(children, plan.nodeStartTimeoutMs), stops.first]).catch((error: Error) => error);
      if (started instanceof Error) {
        // A node refusing its flags (a port in use, say) exits 2: so does `up`, as a usage error.
        const usage = children.some((child) => child.exit?.code === exitCodes.usage);
        throw new CliFailure(usage ? exitCodes.usage : exitCodes.refused, `${started.message}; stopping the cluster`);
      }
      if (started !== 'listening') return;
      listening = true;
      process.stderr.write(summaryOf(plan, bootstrapAddress));
      void reportFormation(plan, children, stops).catch((error: Error) => printError(`could not tell whether the cluster formed: ${error.message}`));
      const ended = await Promise.race([stops.first, deaths.allExited]);
      if (ended === 'all-exited') throw new CliFailure(exitCodes.refused, 'every node has exited; stopping');
    } finally {
      deaths?.cancelRestarts();
      if (bootstrap !== undefined) await stopAll(children, bootstrap);
      stops.dispose();
      process.off('exit', lastResort);
    }
  },
});

withHelp(upCommand, upHelp);
