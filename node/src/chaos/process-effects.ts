// What a pause and a kill do to the process itself, behind an interface so the fault state is tested
// without stopping or killing the test runner.

export interface ChaosEffects {
  /** Blocks this thread for `durationMs`: no timer, socket or request is served meanwhile. */
  stopTheWorld(durationMs: number): void;
  /** Ends the process at once, as `kill -9` would: no handler, no graceful close. */
  killProcess(): void;
}

export const processEffects: ChaosEffects = {
  // Atomics.wait on a value nobody changes sleeps the whole thread, event loop included: a long GC or
  // SIGSTOP as the peers see it, while the process keeps its sockets.
  stopTheWorld: (durationMs) => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, durationMs),
  killProcess: () => void process.kill(process.pid, 'SIGKILL'),
};
