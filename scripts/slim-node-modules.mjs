// Run by the Dockerfile's build stage after `npm prune --omit=dev`: drops what npm keeps but a running
// node never loads, so the image holds one platform's native code and no compiler.
//   - typescript: an optional peer of elysia (for its types), which npm keeps because the lockfile marks
//     it dev-optional; nothing in dist/ or elysia's runtime imports it;
//   - native prebuilds for other platforms (sodium-native and udx-native ship a dozen each);
//   - scope folders left empty by the prune.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const nodeModules = process.argv[2] ?? 'node_modules';
const platform = `${process.platform}-${process.arch}`;
const typesOnlyPackages = ['typescript'];
const typesOnlyBinaries = ['tsc', 'tsserver'];

for (const name of typesOnlyPackages) rmSync(join(nodeModules, name), { recursive: true, force: true });
for (const name of typesOnlyBinaries) rmSync(join(nodeModules, '.bin', name), { force: true });

/** Every package folder under a node_modules folder, scoped ones included, nested ones too. */
function* packageFolders(folder) {
  if (!existsSync(folder)) return;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === '.bin') continue;
    const path = join(folder, entry.name);
    if (entry.name.startsWith('@')) {
      yield* packageFolders(path);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
      continue;
    }
    yield path;
    yield* packageFolders(join(path, 'node_modules'));
  }
}

let removed = 0;
for (const folder of packageFolders(nodeModules)) {
  const prebuilds = join(folder, 'prebuilds');
  if (!existsSync(prebuilds)) continue;
  for (const target of readdirSync(prebuilds)) {
    if (target === platform) continue;
    rmSync(join(prebuilds, target), { recursive: true, force: true });
    removed += 1;
  }
}
console.log(`kept ${platform} prebuilds, removed ${removed} for other platforms; removed ${typesOnlyPackages.join(', ')}`);
