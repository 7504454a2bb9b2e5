// What `swarmkv up` will start, worked out from its flags before anything runs: node names, ports,
// data directories, the secret, and the argv of each `swarmkv node` child.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CLOCK_OFFSET_MS_MAX, REPLICATION_FACTOR_MAX, SECRET_CHARS_MIN, type LogLevel } from '../../node/src';
import { CliFailure, exitCodes } from './exit-codes';
import { integerArg } from './parse-args';

/** Enough for a laptop's worth of processes; larger clusters belong on several hosts. */
export const UP_NODES_MAX = 32;
/** Every node runs on loopback: `up` is a local cluster. */
export const UP_HOST = '127.0.0.1';
const PORT_MAX = 65535;
/** From the most verbose to silent. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/**
 * up learns that a node is up from its `node.listening` line, an info event: its nodes log at info at
 * least, and up drops what is below the level asked for (up-output.ts).
 */
export function childLogLevel(asked: LogLevel): LogLevel {
  return LOG_LEVELS.indexOf(asked) <= LOG_LEVELS.indexOf('info') ? asked : 'info';
}

export interface UpNodePlan {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  /** null with --memory. */
  readonly dataDir: string | null;
}

export interface UpPlan {
  readonly nodes: readonly UpNodePlan[];
  readonly secret: string;
  /** True when the secret was generated here (it is then printed, so more nodes can join). */
  readonly secretGenerated: boolean;
  /** Every node's first admin token: $SWARMKV_ADMIN_TOKEN, else generated (and printed); none with --insecure. */
  readonly adminToken: string | undefined;
  readonly cluster: string;
  /** Every node's replication factor N. */
  readonly replicas: number;
  readonly memory: boolean;
  /** Every node's --max-clock-offset-ms: 0 lets a skewed node go on versioning writes (docs/chaos.md). */
  readonly maxClockOffsetMs: number;
  readonly logLevel: LogLevel;
  /** How long each node may take to log node.listening before `up` gives up on the cluster. */
  readonly nodeStartTimeoutMs: number;
}

export interface UpArgs {
  readonly nodes: string;
  readonly 'base-port': string;
  readonly 'data-dir': string;
  readonly memory: boolean;
  readonly secret?: string | undefined;
  readonly insecure?: boolean | undefined;
  readonly cluster: string;
  readonly replicas: string;
  readonly 'log-level': string;
  readonly 'node-start-timeout-ms': string;
  readonly 'max-clock-offset-ms': string;
}

function usage(message: string): never {
  throw new CliFailure(exitCodes.usage, message);
}

export function planUp(args: UpArgs): UpPlan {
  const count = integerArg('--nodes', args.nodes);
  if (count < 1 || count > UP_NODES_MAX) usage(`-n/--nodes must be 1..${UP_NODES_MAX}, got ${count}`);
  const basePort = integerArg('--base-port', args['base-port']);
  if (basePort < 1 || basePort + count - 1 > PORT_MAX) usage(`--base-port must leave room for ${count} ports below ${PORT_MAX + 1}, got ${basePort}`);
  const logLevel = args['log-level'] as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) usage(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  if (!args.memory && args['data-dir'].length === 0) usage('--data-dir must not be empty (or pass --memory)');
  const replicas = integerArg('--replicas', args.replicas);
  if (replicas < 1 || replicas > REPLICATION_FACTOR_MAX) usage(`--replicas must be 1..${REPLICATION_FACTOR_MAX}, got ${replicas}`);
  const nodeStartTimeoutMs = integerArg('--node-start-timeout-ms', args['node-start-timeout-ms']);
  if (nodeStartTimeoutMs < 1) usage(`--node-start-timeout-ms must be at least 1, got ${nodeStartTimeoutMs}`);
  const maxClockOffsetMs = integerArg('--max-clock-offset-ms', args['max-clock-offset-ms']);
  if (maxClockOffsetMs < 0 || maxClockOffsetMs > CLOCK_OFFSET_MS_MAX) usage(`--max-clock-offset-ms must be 0..${CLOCK_OFFSET_MS_MAX} (0: no bound), got ${maxClockOffsetMs}`);
  const given = args.secret;
  if (given !== undefined && given.length < SECRET_CHARS_MIN) usage(`--secret must be at least ${SECRET_CHARS_MIN} characters`);
  const nodes = Array.from({ length: count }, (_, index): UpNodePlan => {
    const port = basePort + index;
    const name = `node-${port}`;
    return { name, port, url: `http://${UP_HOST}:${port}`, dataDir: args.memory ? null : join(args['data-dir'], name) };
  });
  return {
    nodes,
    secret: given ?? randomBytes(16).toString('hex'),
    secretGenerated: given === undefined,
    adminToken: args.insecure === true ? undefined : process.env.SWARMKV_ADMIN_TOKEN || randomBytes(32).toString('hex'),
    cluster: args.cluster,
    replicas,
    memory: args.memory,
    maxClockOffsetMs,
    logLevel,
    nodeStartTimeoutMs,
  };
}

/** argv of one node after the script path; the secret travels in the environment, not in `ps`. */
export function nodeArgs(plan: UpPlan, node: UpNodePlan, bootstrap: string): string[] {
  return [
    'node',
    '--name', node.name,
    '--host', UP_HOST,
    '--port', String(node.port),
    '--cluster', plan.cluster,
    '--replicas', String(plan.replicas),
    '--max-clock-offset-ms', String(plan.maxClockOffsetMs),
    '--bootstrap', bootstrap,
    '--profile', 'local',
    '--log-level', childLogLevel(plan.logLevel),
    // up reads its nodes' events as JSON, and shows them in its own format.
    '--log-format', 'json',
    ...(node.dataDir === null ? ['--memory'] : ['--data-dir', node.dataDir]),
    // `up` is a learning cluster on loopback: its nodes serve the chaos API (`swarmkv chaos`), admin-only like every other fault.
    '--chaos',
    // up restarts a node whose chaos kill asks for it (`--restart-after`): the node may accept such a kill.
    '--supervised',
  ];
}
