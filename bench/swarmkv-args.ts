// Command lines for the Node processes the benchmark starts: swarmkv nodes of this build or of the
// --candidate build, and the bare baseline server.

import { join, resolve } from 'node:path';
import { BIND_HOST, type SingleNodeDeploymentId } from './systems';

/** The daemon as built by `bun run build` (scripts/build.ts); --swarmkv-cli measures another build. */
export const SWARMKV_CLI_PATH = resolve(import.meta.dir, '../dist/swarmkv.mjs');

/** Node's arguments for a swarmkv node (script first). */
export function swarmkvNodeArgs(options: { cliPath: string; dataDir: string; port: number; extra: readonly string[] }): string[] {
  return [
    options.cliPath,
    'node',
    '--host',
    BIND_HOST,
    '--port',
    String(options.port),
    '--data-dir',
    options.dataDir,
    // info, because the URL arrives in the `node.listening` line; requests themselves log nothing.
    '--log-level',
    'info',
    ...options.extra,
  ];
}

/** Node's arguments for a single-process deployment. */
export function singleNodeArgs(
  id: SingleNodeDeploymentId,
  paths: { cliPath: string; candidateCliPath: string | undefined; baselineScript: string; runtimeScript: string; dataDir: string },
): string[] {
  const node = (extra: string[]) => swarmkvNodeArgs({ cliPath: paths.cliPath, dataDir: paths.dataDir, port: 0, extra });
  const candidate = (extra: string[]) => {
    if (paths.candidateCliPath === undefined) throw new Error(`${id} needs --candidate`);
    return swarmkvNodeArgs({ cliPath: paths.candidateCliPath, dataDir: paths.dataDir, port: 0, extra });
  };
  switch (id) {
    case 'baseline':
      return [paths.baselineScript, '0'];
    case 'runtime':
      return [paths.runtimeScript, '0'];
    case 'flush':
      return node(['--sync', 'flush']);
    case 'commit':
      return node(['--sync', 'commit']);
    case 'memory':
      return node(['--memory']);
    case 'candidate-flush':
      return candidate(['--sync', 'flush']);
    case 'candidate-memory':
      return candidate(['--memory']);
  }
}

export function dataDirFor(scratchDir: string, id: string): string {
  return join(scratchDir, `data-${id}`);
}
