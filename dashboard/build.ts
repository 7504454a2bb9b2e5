// Bundles the dashboard for browsers into dist/dashboard/: index.html, app.js (preact + htm and our
// views, minified), style.css and LICENSES.txt (the licences of every bundled library, served beside
// the code that carries them). Fixed file names: the node serves them as they are, and nothing is
// cached across a rebuild long enough to matter for a learning tool. No CDN, no external font.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const SOURCE_DIR = import.meta.dir;
const ROOT_DIR = join(SOURCE_DIR, '..');
/** The libraries bundled into app.js, whose licences ship beside it. */
const BUNDLED_PACKAGES = ['preact', 'htm'] as const;

export interface AssetSize {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

function licencesText(): string {
  return BUNDLED_PACKAGES.map((name) => {
    const packageDir = join(ROOT_DIR, 'node_modules', name);
    const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
    return `${name} ${version}\n\n${readFileSync(join(packageDir, 'LICENSE'), 'utf8').trim()}\n`;
  }).join('\n\n----------------------------------------\n\n');
}

export async function buildDashboard(outDir: string): Promise<AssetSize[]> {
  mkdirSync(outDir, { recursive: true });
  const result = await Bun.build({
    entrypoints: [join(SOURCE_DIR, 'src/main.ts')],
    outdir: outDir,
    target: 'browser',
    format: 'esm',
    minify: true,
    naming: { entry: 'app.js' },
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    throw new Error('the dashboard did not build');
  }
  copyFileSync(join(SOURCE_DIR, 'index.html'), join(outDir, 'index.html'));
  copyFileSync(join(SOURCE_DIR, 'src/style.css'), join(outDir, 'style.css'));
  writeFileSync(join(outDir, 'LICENSES.txt'), licencesText());
  return ['index.html', 'app.js', 'style.css', 'LICENSES.txt'].map((file) => {
    const bytes = readFileSync(join(outDir, file));
    return { file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  });
}

if (import.meta.main) {
  const sizes = await buildDashboard(join(ROOT_DIR, 'dist/dashboard'));
  for (const size of sizes) console.log(`${size.file}: ${size.bytes} bytes, ${size.gzipBytes} gzip`);
}
