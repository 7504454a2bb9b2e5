// Maps a CPU profile's frames in bundled code (dist/chunks/*.mjs) back to the TypeScript they came from,
// through the bundle's linked source maps, so a summary names `node/src/api/http-metrics.ts:56` rather
// than line 25,868 of a chunk. Frames without a map (node core, native, unbundled packages) stay as they are.

import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** Rewrites each frame's url and line (0-based, as V8 reports them) in place where a source map knows better. */
export function mapFramesToSources(frames: Iterable<CallFrame>): void {
  const maps = new Map<string, SourceMap | undefined>();
  const mapFor = (path: string) => {
    if (!maps.has(path)) maps.set(path, existsSync(`${path}.map`) ? new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8'))) : undefined);
    return maps.get(path);
  };
  for (const frame of frames) {
    if (!frame.url.startsWith('file://') || !frame.url.endsWith('.mjs')) continue;
    const path = fileURLToPath(frame.url);
    const entry = mapFor(path)?.findEntry(frame.lineNumber, frame.columnNumber);
    if (entry === undefined || !('originalSource' in entry) || entry.originalSource === undefined) continue;
    frame.url = `file://${resolve(dirname(path), entry.originalSource)}`;
    frame.lineNumber = entry.originalLine;
  }
}
