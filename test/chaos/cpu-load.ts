// CPU load on every core for a bounded time: stress-ng (Debian's) when it is installed, else one
// `node -e` busy loop per core. Either way the load stops by itself at its deadline (stress-ng's
// --timeout, the loop's own clock), so a run that dies cannot leave the machine loaded; stop() ends it
// early. It needs no network, so it runs in the test process's namespace.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

const STRESS_NG_AVAILABLE = spawnSync('stress-ng', ['--version']).status === 0;
/** Busy-loop source: spins until its deadline, checking the clock every few million iterations. */
const BUSY_LOOP = 'const end = Date.now() + Number(process.argv[1]); let x = 0; while (Date.now() < end) { for (let i = 0; i < 5e6; i++) x += i; }';

export class CpuLoad {
  readonly tool: 'stress-ng' | 'node busy loops';
  readonly cores: number;
  readonly #children: ChildProcess[] = [];

  private constructor(tool: CpuLoad['tool'], cores: number) {
    this.tool = tool;
    this.cores = cores;
  }

  /** Loads `cores` cores (default: all of them) for `durationMs`. */
  static start(durationMs: number, cores = availableParallelism()): CpuLoad {
    const seconds = Math.max(1, Math.ceil(durationMs / 1000));
    const load = new CpuLoad(STRESS_NG_AVAILABLE ? 'stress-ng' : 'node busy loops', cores);
    if (STRESS_NG_AVAILABLE) {
      load.#children.push(spawn('stress-ng', ['--cpu', String(cores), '--cpu-method', 'all', '--timeout', `${seconds}s`, '--quiet'], { stdio: 'ignore', detached: true }));
    } else {
      for (let core = 0; core < cores; core++) load.#children.push(spawn('node', ['-e', BUSY_LOOP, String(seconds * 1000)], { stdio: 'ignore', detached: true }));
    }
    return load;
  }

  get running(): boolean {
    return this.#children.some((child) => child.exitCode === null && child.signalCode === null);
  }

  /** Ends the load now, stress-ng's forked workers too (each child leads its own process group). Idempotent. */
  stop(): void {
    for (const child of this.#children) {
      if (child.pid === undefined) continue;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    }
  }
}
