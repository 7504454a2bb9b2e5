// Flags every data command takes, and what help and completion say about them.
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
