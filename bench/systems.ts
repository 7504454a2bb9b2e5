// The systems the benchmark compares: the bare Elysia + Map baseline, and swarmkv in its three storage
// modes. Each is a Node 20 process on 127.0.0.1; only the arguments differ.

import { join, resolve } from 'node:path';

export const SYSTEM_IDS = ['baseline', 'flush', 'commit', 'memory'] as const;
export type SystemId = (typeof SYSTEM_IDS)[number];

export const BIND_HOST = '127.0.0.1';

/** The daemon as built by `bun run build` (scripts/build.ts). */
export const SWARMKV_CLI_PATH = resolve(import.meta.dir, '../dist/swarmkv.mjs');

export interface SystemSpec {
  readonly id: SystemId;
  /** How tables name it. */
  readonly label: string;
  /** What it is, for the report. */
  readonly description: string;
  /** Node's arguments (script first); `dataDir` is this system's own empty directory. */
  nodeArgs(paths: { baselineScript: string; dataDir: string }): string[];
}

const swarmkvArgs = (dataDir: string, extra: string[]) => [
  SWARMKV_CLI_PATH,
  'node',
  '--host',
  BIND_HOST,
  '--port',
  '0',
  '--data-dir',
  dataDir,
  // info, because the URL arrives in the `node.listening` line; requests themselves log nothing.
  '--log-level',
  'info',
  ...extra,
];

export const SYSTEMS: Record<SystemId, SystemSpec> = {
  baseline: {
    id: 'baseline',
    label: 'baseline (Elysia+Map)',
    description: 'bench/baseline-server.ts: Elysia + @elysiajs/node, a Map, default JSON parser',
    nodeArgs: ({ baselineScript }) => [baselineScript, '0'],
  },
  flush: {
    id: 'flush',
    label: 'swarmkv --sync flush',
    description: 'durable (default): a PUT is acknowledged after its LMDB group commit is fsynced',
    nodeArgs: ({ dataDir }) => swarmkvArgs(dataDir, ['--sync', 'flush']),
  },
  commit: {
    id: 'commit',
    label: 'swarmkv --sync commit',
    description: 'a PUT is acknowledged after its LMDB commit, before fsync',
    nodeArgs: ({ dataDir }) => swarmkvArgs(dataDir, ['--sync', 'commit']),
  },
  memory: {
    id: 'memory',
    label: 'swarmkv --memory',
    description: 'the in-memory store: swarmkv\'s HTTP, coordinator and metrics path without LMDB',
    nodeArgs: ({ dataDir }) => swarmkvArgs(dataDir, ['--memory']),
  },
};

export function dataDirFor(scratchDir: string, id: SystemId): string {
  return join(scratchDir, `data-${id}`);
}
