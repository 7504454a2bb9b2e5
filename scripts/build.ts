// Bundles the CLI (which contains the daemon) for Node, and every `*.node-test.ts` suite into
// dist/node-tests/ for Node's test runner: code that loads hyperswarm's native UDP transport must run
// on Node, and Node 20 does not run TypeScript itself. Native and heavy packages stay external. Then the
// dashboard for browsers into dist/dashboard/ (dashboard/build.ts), which every node serves.
import { Glob } from 'bun';
import { rmSync } from 'node:fs';
import { buildDashboard } from '../dashboard/build';

const external = [
  'lmdb',
  'hyperswarm',
  'hyperdht',
  'protomux',
  'compact-encoding',
  'b4a',
  'sodium-universal',
  'sodium-native',
  'udx-native',
  'pino',
  'srvx',
  'prom-client',
];

async function bundle(entrypoints: string[], outdir: string, naming: string): Promise<void> {
  const result = await Bun.build({
    entrypoints,
    outdir,
    target: 'node',
    format: 'esm',
    splitting: true,
    sourcemap: 'linked',
    external,
    naming: { entry: naming, chunk: 'chunks/[name]-[hash].mjs' },
    banner: '#!/usr/bin/env node',
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    process.exit(1);
  }
}

rmSync('dist', { recursive: true, force: true });
await bundle(['cli/src/main.ts'], 'dist', 'swarmkv.mjs');

const nodeTests = [...new Glob('{node,cli,test}/**/*.node-test.ts').scanSync('.')];
if (nodeTests.length > 0) await bundle(nodeTests, 'dist/node-tests', '[name].mjs');
const dashboard = await buildDashboard('dist/dashboard');
const dashboardSizes = dashboard.map((asset) => `${asset.file} ${asset.bytes} B (${asset.gzipBytes} B gzip)`).join(', ');
console.log(`built dist/swarmkv.mjs, ${nodeTests.length} node test suite(s) and dist/dashboard/: ${dashboardSizes}`);
