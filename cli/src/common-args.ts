// Flags every data command takes.
export const connectionArgs = {
  url: {
    type: 'string',
    description: 'node URL(s), comma-separated, tried in order (default $SWARMKV_URL, else http://127.0.0.1:7070)',
  },
  json: { type: 'boolean', description: 'print machine-readable JSON', default: false },
} as const;
