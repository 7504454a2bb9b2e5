// Summarises a V8 CPU profile (from `npm run bench -- --cpu-prof DIR`, or `node --cpu-prof`): where the
// samples' self time went, by function and by package, so that a slow path can be named without a
// profiler UI. Idle time is reported apart, since a server waiting on fsync or on the network idles.
//
//   bun run bench/profile-summary.ts DIR/flush.cpuprofile [--top 25]

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const TOP_DEFAULT = 25;
/** Frames V8 reports for time not spent running JavaScript. */
const SPECIAL_FRAMES = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function packageOf(url: string): string {
  if (url === '') return '(native or V8)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules !== null) return modules[1]!;
  if (url.startsWith('node:')) return 'node core';
  return url.replace(/^file:\/\//, '').replace(/.*\/(dist|bench)\//, '$1/');
}

function summarise(profile: CpuProfile, top: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const microsByNode = new Map<number, number>();
  profile.samples.forEach((id, index) => microsByNode.set(id, (microsByNode.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const totalMicros = profile.endTime - profile.startTime;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let idleMicros = 0;
  for (const [id, micros] of microsByNode) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idleMicros += micros;
      continue;
    }
    const name = SPECIAL_FRAMES.has(frame.functionName) ? frame.functionName : frameName(frame);
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    const pack = SPECIAL_FRAMES.has(frame.functionName) ? frame.functionName : packageOf(frame.url);
    byPackage.set(pack, (byPackage.get(pack) ?? 0) + micros);
  }
  const busyMicros = totalMicros - idleMicros;
  const inclusive = inclusiveTimes(profile, byId);
  const share = (micros: number) => `${((micros / busyMicros) * 100).toFixed(1).padStart(5)}%`;
  const table = (entries: Map<string, number>) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => `  ${share(micros)}  ${name}`)
      .join('\n');
  return [
    `profile: ${(totalMicros / 1e6).toFixed(1)} s, main thread busy ${((busyMicros / totalMicros) * 100).toFixed(0)}% (shares below are of busy time)`,
    `by package:\n${table(byPackage)}`,
    `by function (self time):\n${table(byFunction)}`,
    `by function (total time, callees included):\n${table(inclusive)}`,
  ].join('\n\n');
}

function frameName(frame: ProfileNode['callFrame']): string {
  return `${frame.functionName || '(anonymous)'} ${packageOf(frame.url)}:${frame.lineNumber + 1}`;
}

/** Each sample's time counted once for every distinct function on its stack. */
function inclusiveTimes(profile: CpuProfile, byId: Map<number, ProfileNode>): Map<string, number> {
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    if (byId.get(id)!.callFrame.functionName === '(idle)') return;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (SPECIAL_FRAMES.has(frame.functionName)) continue;
      seen.add(frameName(frame));
    }
    for (const name of seen) totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  return totals;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: String(TOP_DEFAULT) } } });
if (positionals.length === 0) {
  console.error('usage: bun run bench/profile-summary.ts FILE.cpuprofile... [--top N]');
  process.exit(2);
}
for (const path of positionals) {
  console.log(`== ${path}\n${summarise(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile, Number(values.top))}\n`);
}
