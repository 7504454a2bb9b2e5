// A copy of the built bundle (dist/swarmkv.mjs and its chunks) in a temporary folder, with a `dashboard/`
// folder beside it holding whatever a test puts there: the daemon serves the dashboard from beside its
// bundle, so this tests exactly that lookup, without touching the real dist/dashboard/.

import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CLI_PATH } from './spawn-node';

const ROOT = resolve(import.meta.dir, '../..');

export interface BundleCopy {
  /** The copied dist/swarmkv.mjs, to pass to spawnNode as cliPath. */
  readonly cliPath: string;
  remove(): void;
}

/** `dashboard`: relative path → contents, or undefined for a build without a dashboard folder. */
export function copyBundle(dashboard: Record<string, string | Uint8Array> | undefined): BundleCopy {
  const folder = mkdtempSync(join(tmpdir(), 'swarmkv-bundle-'));
  const dist = dirname(CLI_PATH);
  cpSync(CLI_PATH, join(folder, 'swarmkv.mjs'));
  cpSync(join(dist, 'chunks'), join(folder, 'chunks'), { recursive: true });
  // External packages (lmdb, pino...) resolve from node_modules in a parent folder, as from dist/.
  symlinkSync(join(ROOT, 'node_modules'), join(folder, 'node_modules'), 'dir');
  for (const [path, contents] of Object.entries(dashboard ?? {})) {
    const target = join(folder, 'dashboard', path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, contents);
  }
  return { cliPath: join(folder, 'swarmkv.mjs'), remove: () => rmSync(folder, { recursive: true, force: true }) };
}
