// The processes of one multi-process peer deployment (etcd's members, Redis's nodes): their pids for the
// CPU accounting, their stderr for error messages, one stop for all, and a readiness wait that gives up
// at once when a process has died.

import type { ManagedProcess } from './managed-process';

const READY_POLL_MS = 100;

export class ProcessGroup {
  readonly #processes: readonly ManagedProcess[];
  #stopping: Promise<void> | undefined;

  constructor(processes: readonly ManagedProcess[]) {
    this.#processes = processes;
  }

  get pids(): number[] {
    return this.#processes.flatMap((process) => (process.pid === undefined ? [] : [process.pid]));
  }

  stderr(): string {
    return this.#processes.map((process) => `[${process.name}] ${process.stderr()}`).join('\n');
  }

  /** Idempotent; resolves once every process is gone. */
  stop(): Promise<void> {
    this.#stopping ??= Promise.all(this.#processes.map((process) => process.stop())).then(() => undefined);
    return this.#stopping;
  }

  /** Polls `ready` until it holds; throws, naming `what`, after `timeoutMs` or when a process exits. */
  async waitUntil(ready: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
    const startedMs = performance.now();
    while (performance.now() - startedMs < timeoutMs) {
      const exited = this.#processes.find((process) => process.hasExited);
      if (exited !== undefined) throw new Error(`${exited.name} exited during start-up: ${exited.stderr()}`);
      if (await ready()) return;
      await Bun.sleep(READY_POLL_MS);
    }
    throw new Error(`not every process did ${what} within ${timeoutMs} ms: ${this.stderr()}`);
  }
}
