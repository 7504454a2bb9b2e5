// One process the benchmark starts and must stop: spawned (pinned with taskset when asked), its stderr's
// tail kept for error messages, SIGKILLed by an interrupted benchmark, and stopped with SIGTERM then
// SIGKILL after a grace. How long it took to exit after SIGTERM is kept: the issue's "the last node of
// a cluster exits within 2 s of SIGTERM" is read from it.

import { spawn, type ChildProcess } from 'node:child_process';
import { registerCleanup } from './cleanup';
import { pinnedCommand } from './pinning';

const STDERR_CHARS_MAX = 8_000;
/** SIGTERM first, SIGKILL if the process is not gone by this. */
export const STOP_GRACE_MS = 5_000;

export class ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  readonly #stopGraceMs: number;
  #stderr = '';
  #stopping: Promise<void> | undefined;
  /** Milliseconds from SIGTERM to exit, once stopped by stop(); undefined before, or if it had already exited. */
  exitAfterTermMs: number | undefined;

  /**
   * `stdout` 'read' leaves the caller to read stdout (a start-up line), which it must drain after;
   * 'log' keeps it with stderr's tail (a server that logs to stdout).
   */
  constructor(name: string, command: string, args: readonly string[], options: { cpus: string | undefined; stdout: 'read' | 'log'; stopGraceMs?: number }) {
    this.name = name;
    this.#stopGraceMs = options.stopGraceMs ?? STOP_GRACE_MS;
    const [pinned, pinnedArgs] = pinnedCommand(options.cpus, command, [...args]);
    this.child = spawn(pinned, pinnedArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    const unregister = registerCleanup(() => this.child.kill('SIGKILL'));
    this.child.stderr!.on('data', (chunk: Buffer) => this.#keepStderr(chunk.toString()));
    if (options.stdout === 'log') this.child.stdout!.on('data', (chunk: Buffer) => this.#keepStderr(chunk.toString()));
    this.exited = new Promise<void>((resolve) => {
      this.child.once('exit', (code, signal) => {
        // Kept in the stderr tail, so that an error naming a server also says how it ended.
        this.#keepStderr(`\n(${name} exited: ${signal ?? `code ${code}`})`);
        resolve();
      });
      // A command that cannot be spawned at all emits 'error' and never 'exit'.
      this.child.once('error', (error) => {
        this.#keepStderr(`\n(${name} did not start: ${error.message})`);
        resolve();
      });
    });
    void this.exited.then(unregister);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  stderr(): string {
    return this.#stderr;
  }

  /** Idempotent: SIGTERM, then SIGKILL after the stop grace; resolves once the process is gone. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.hasExited || this.child.pid === undefined) return;
      const termMs = performance.now();
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), this.#stopGraceMs);
      await this.exited;
      clearTimeout(timer);
      this.exitAfterTermMs = Math.round(performance.now() - termMs);
    })();
    return this.#stopping;
  }

  #keepStderr(text: string): void {
    this.#stderr = (this.#stderr + text).slice(-STDERR_CHARS_MAX);
  }
}
