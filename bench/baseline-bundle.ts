// Bundles bench/baseline-server.ts and bench/runtime-server.ts for Node, the way scripts/build.ts bundles the daemon (Bun.build,
// target node, ESM). Everything is inlined, so the bundle runs from the run's scratch directory, away
// from dist/, which a concurrent `bun run build` empties. Where the daemon keeps a package external
// (srvx, say), the same code is loaded either way; inlining changes start-up, not request handling.

import { join } from 'node:path';

export interface BaselineScripts {
  /** The bare Elysia server (bench/baseline-server.ts). */
  readonly baseline: string;
  /** The runtime's limit: node:http and a Map (bench/runtime-server.ts). */
  readonly runtime: string;
}

export async function bundleBaseline(outdir: string): Promise<BaselineScripts> {
  const result = await Bun.build({
    entrypoints: [join(import.meta.dir, 'baseline-server.ts'), join(import.meta.dir, 'runtime-server.ts')],
    outdir,
    target: 'node',
    format: 'esm',
    naming: { entry: '[name].mjs' },
    // So that a profile summary names the baseline's frames by package (elysia, srvx), as it does the daemon's.
    sourcemap: 'linked',
  });
  if (!result.success) throw new Error(`bundling the baseline failed:\n${result.logs.map(String).join('\n')}`);
  return { baseline: join(outdir, 'baseline-server.mjs'), runtime: join(outdir, 'runtime-server.mjs') };
}
