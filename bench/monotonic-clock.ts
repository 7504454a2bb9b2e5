// The clock V8 stamps CPU profiles with (Linux's CLOCK_MONOTONIC, in microseconds), read from the
// benchmark, so that each measured run's window can be written down and a server's profile later cut
// to just those windows (bench/profile-summary.ts --windows). Bun's own clocks start at its process
// start, so the offset is taken once from a Node child, which reads CLOCK_MONOTONIC through libuv.

import { spawnSync } from 'node:child_process';

export type MonotonicClock = () => number;

export function monotonicClock(): MonotonicClock {
  const result = spawnSync('node', ['-p', 'String(process.hrtime.bigint() / 1000n)'], { encoding: 'utf8' });
  // The child prints just before exiting: its reading is nearer our time after the spawn than before.
  const afterMs = performance.now();
  const nodeMicros = Number(result.stdout.trim());
  if (!Number.isFinite(nodeMicros) || nodeMicros <= 0) throw new Error(`cannot read Node's monotonic clock: ${result.stderr}`);
  const offsetMicros = nodeMicros - afterMs * 1000;
  return () => Math.round(performance.now() * 1000 + offsetMicros);
}
