// Flags the data commands take (the connection: every one; the consistency: put, get, del), and what
// help and completion say about them.
import { CONSISTENCY_LEVELS } from '../../node/src';
import { CliFailure, exitCodes } from './exit-codes';
import type { CommandHelp } from './help/command-help';
import { DEFAULT_URL } from './node-client';

export const connectionArgs = {
  url: { type: 'string', description: 'node URL(s), comma-separated, tried in order' },
  token: { type: 'string', description: 'API token for nodes that require one; the environment keeps it out of `ps`' },
  json: { type: 'boolean', description: 'print machine-readable JSON', default: false },
} as const;

export const connectionHelp = {
  defaults: { url: DEFAULT_URL },
  environment: { url: 'SWARMKV_URL', token: 'SWARMKV_TOKEN' },
  nodeOptions: ['url'],
} as const satisfies Partial<CommandHelp>;

/** The key commands' consistency: how many replicas must answer (the REST API's `?consistency=`). */
export const consistencyArgs = {
  consistency: { type: 'string', description: 'replicas that must answer: `one`, `quorum` or `all` (default: the node’s --read-consistency or --write-consistency)' },
} as const;

export const consistencyHelp = { choices: { consistency: CONSISTENCY_LEVELS } } as const satisfies Partial<CommandHelp>;

/** `path` with the consistency asked for, if any; another word is a usage error naming the flag. */
export function withConsistency(path: string, consistency: string | undefined): string {
  if (consistency === undefined) return path;
  if (!(CONSISTENCY_LEVELS as readonly string[]).includes(consistency)) throw new CliFailure(exitCodes.usage, `--consistency must be ${CONSISTENCY_LEVELS.slice(0, -1).join(', ')} or ${CONSISTENCY_LEVELS.at(-1)}, got ${JSON.stringify(consistency)}`);
  return `${path}?consistency=${consistency}`;
}

/** `--trace` on the key commands: the node's trace of the request (`?trace=true`), printed on stderr. */
export const traceArgs = {
  trace: { type: 'boolean', description: 'print on stderr what the request did inside the cluster: the replicas asked, their answers, the quorum, repairs', default: false },
} as const;

/** `path` asking for a trace when `trace` is set. */
export function withTrace(path: string, trace: boolean | undefined): string {
  if (trace !== true) return path;
  return `${path}${path.includes('?') ? '&' : '?'}trace=true`;
}
