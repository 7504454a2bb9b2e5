// Summarises a V8 CPU profile (from `npm run bench -- --cpu-prof DIR`, or `node --cpu-prof`): where the
// samples' self time went, by function and by package, so that a slow path can be named without a
// profiler UI. Idle time is reported apart, since a server waiting on fsync or on the network idles.
// With --windows, only the samples taken during one system's measured runs of one operation count (the
// windows are in the benchmark's JSON report), so start-up, population and the other runs drop out,
// and the time per request is printed.
//
//   bun run bench/profile-summary.ts DIR/flush.cpuprofile [--top 25]
//   bun run bench/profile-summary.ts DIR/flush.cpuprofile --windows bench/results/latest.json --system flush --operation get

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { mapFramesToSources, type CallFrame } from './source-frames';

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

interface Window {
  readonly startMicros: number;
  readonly endMicros: number;
}

/** The measured runs to keep samples from, and the requests they served (for the time per request). */
interface Selection {
  readonly windows: readonly Window[];
  readonly requests: number;
  readonly label: string;
}

const TOP_DEFAULT = 25;
/** Frames V8 reports for time not spent running JavaScript. */
const SPECIAL_FRAMES = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function packageOf(url: string): string {
  if (url === '') return '(native or V8)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules !== null) return modules[1]!;
  if (url.startsWith('node:')) return 'node core';
  return url.replace(/^file:\/\//, '').replace(/.*\/((node|cli)\/src|dist|bench)\//, '$1/');
}

/** Which samples count: all, or those whose timestamp falls in one of the selection's windows. */
function sampleFilter(profile: CpuProfile, selection: Selection | undefined): (index: number) => boolean {
  if (selection === undefined) return () => true;
  const kept: boolean[] = [];
  let at = profile.startTime;
  profile.timeDeltas.forEach((delta, index) => {
    at += delta;
    kept[index] = selection.windows.some((window) => at >= window.startMicros && at <= window.endMicros);
  });
  return (index) => kept[index] === true;
}

function summarise(profile: CpuProfile, top: number, selection: Selection | undefined): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const keep = sampleFilter(profile, selection);
  const microsByNode = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    if (keep(index)) microsByNode.set(id, (microsByNode.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const windowMicros = selection?.windows.reduce((sum, window) => sum + Math.max(0, Math.min(window.endMicros, profile.endTime) - Math.max(window.startMicros, profile.startTime)), 0);
  const totalMicros = windowMicros ?? profile.endTime - profile.startTime;
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
  const inclusive = inclusiveTimes(profile, byId, keep);
  const share = (micros: number) => `${((micros / busyMicros) * 100).toFixed(1).padStart(5)}%`;
  const table = (entries: Map<string, number>) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => `  ${share(micros)}  ${name}`)
      .join('\n');
  const perRequest =
    selection === undefined || selection.requests === 0 ? '' : `, ${(busyMicros / selection.requests).toFixed(1)} µs of main-thread time per request over ${selection.requests} requests`;
  const scope = selection === undefined ? 'whole profile' : `${selection.label}, ${selection.windows.length} window(s)`;
  if (totalMicros <= 0) return `profile: no samples in ${scope} (is this the right profile for the windows?)`;
  return [
    `profile (${scope}): ${(totalMicros / 1e6).toFixed(1)} s, main thread busy ${((busyMicros / totalMicros) * 100).toFixed(0)}%${perRequest} (shares below are of busy time)`,
    `by package:\n${table(byPackage)}`,
    `by function (self time):\n${table(byFunction)}`,
    `by function (total time, callees included):\n${table(inclusive)}`,
  ].join('\n\n');
}

function frameName(frame: ProfileNode['callFrame']): string {
  return `${frame.functionName || '(anonymous)'} ${packageOf(frame.url)}:${frame.lineNumber + 1}`;
}

/** Each sample's time counted once for every distinct function on its stack. */
function inclusiveTimes(profile: CpuProfile, byId: Map<number, ProfileNode>, keep: (index: number) => boolean): Map<string, number> {
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    if (!keep(index) || byId.get(id)!.callFrame.functionName === '(idle)') return;
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

/** The measured windows of one system and operation, from the benchmark's JSON report. */
function selectionFrom(reportPath: string, system: string, operation: string): Selection {
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as {
    measurements: { system: string; operation: string; window?: Window; result: { requests: number } }[];
  };
  const runs = report.measurements.filter((entry) => entry.system === system && entry.operation === operation && entry.window !== undefined);
  if (runs.length === 0) throw new Error(`${reportPath} has no measured ${operation} runs of ${system}`);
  return { windows: runs.map((entry) => entry.window!), requests: runs.reduce((sum, entry) => sum + entry.result.requests, 0), label: `${operation.toUpperCase()} runs of ${system}` };
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: String(TOP_DEFAULT) },
    windows: { type: 'string' },
    system: { type: 'string' },
    operation: { type: 'string' },
  },
});
if (positionals.length === 0 || (values.windows !== undefined && (values.system === undefined || values.operation === undefined))) {
  console.error('usage: bun run bench/profile-summary.ts FILE.cpuprofile... [--top N] [--windows REPORT.json --system ID --operation put|get]');
  process.exit(2);
}
const selection = values.windows === undefined ? undefined : selectionFrom(values.windows, values.system!, values.operation!);
for (const path of positionals) {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  mapFramesToSources(profile.nodes.map((node) => node.callFrame));
  console.log(`== ${path}\n${summarise(profile, Number(values.top), selection)}\n`);
}
