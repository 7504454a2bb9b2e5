// The benchmark runs inside a network namespace of its own, whose only interface is loopback (as
// `npm test` does, scripts/test.sh): nothing it starts can reach or be reached from any other machine,
// and its ports cannot collide with other runs on this one. run.ts calls enterNamespace() first: as
// root, it creates the namespace, runs the same command inside it, and deletes it (killing whatever the
// run left in it) when that exits. SWARMKV_BENCH_BOXED marks the inner run; SWARMKV_BENCH_UNBOXED=1
// runs on the host's loopback instead, for a machine without root.

import { spawn, spawnSync } from 'node:child_process';

const BOXED_VARIABLE = 'SWARMKV_BENCH_BOXED';
const UNBOXED_VARIABLE = 'SWARMKV_BENCH_UNBOXED';

export type Boxing = { readonly inside: true } | { readonly inside: false; readonly exitCode: number } | { readonly error: string };

/** Runs `argv` (this process's command line) inside a fresh namespace, unless already inside one. */
export async function enterNamespace(argv: readonly string[]): Promise<Boxing> {
  if (process.env[BOXED_VARIABLE] !== undefined || process.env[UNBOXED_VARIABLE] === '1') return { inside: true };
  if (process.getuid?.() !== 0 || spawnSync('ip', ['-V']).error !== undefined) {
    return { error: `the benchmark needs root and ip (iproute2) for its network namespace; run as root or set ${UNBOXED_VARIABLE}=1` };
  }
  const name = `swarmkv-bench-${process.pid}`;
  const ip = (...args: string[]) => spawnSync('ip', args, { stdio: ['ignore', 'ignore', 'inherit'] }).status === 0;
  if (!ip('netns', 'add', name)) return { error: `ip netns add ${name} failed` };
  try {
    if (!ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up')) return { error: `could not bring up loopback in ${name}` };
    // `ip netns exec` and env exec the command: the child is the inner run, which cleans up on a signal.
    const inner = spawn('ip', ['netns', 'exec', name, 'env', `${BOXED_VARIABLE}=${name}`, ...argv], { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => inner.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const exitCode = await new Promise<number>((resolve) => inner.once('close', (code) => resolve(code ?? 1)));
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    return { inside: false, exitCode };
  } finally {
    killLeftovers(name);
    ip('netns', 'del', name);
  }
}

/** Processes still in the namespace are the run's own (nothing else can be in it): none may outlive it. */
function killLeftovers(name: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout.split(/\s+/).filter((pid) => /^\d+$/.test(pid));
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
