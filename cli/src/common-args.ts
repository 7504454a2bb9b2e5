// Flags every data command takes.
export const connectionArgs = {
  url: {
    type: 'string',
    description: 'node URL(s), comma-separated, tried in order (default $SWARMKV_URL, else http://127.0.0.1:7070)',
  },
  token: {
    type: 'string',
    description: 'API token for nodes that require one (default $SWARMKV_TOKEN; the environment keeps it out of `ps`)',
  },
  json: { type: 'boolean', description: 'print machine-readable JSON', default: false },
} as const;
