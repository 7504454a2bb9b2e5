// One server under test: a Node process started with the given arguments, ready once it prints a JSON
// line whose event ends in `.listening` (swarmkv's `node.listening`, the baseline's
// `baseline.listening`) carrying its URL. Until it exits, an interrupted benchmark SIGKILLs it.

import { spawn, type ChildProcess } from 'node:child_process';
import { registerCleanup } from './cleanup';
import { pinnedCommand } from './pinning';

const START_TIMEOUT_MS = 15_000;
/**
 * SIGTERM first (a profiled server writes its profile then), SIGKILL if it is not gone by this. A
 * profiled process gets longer: writing the profile takes seconds, and the last node of a cluster to
 * stop was measured taking 8 s to leave once its peers were gone.
 */
const STOP_GRACE_MS = 5_000;
export const PROFILED_STOP_GRACE_MS = 30_000;
const STDERR_CHARS_MAX = 8_000;

export class ServerProcess {
  readonly url: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  readonly #stderr: () => string;
  readonly #stopGraceMs: number;
  #stopping: Promise<void> | undefined;

  private constructor(url: string, child: ChildProcess, exited: Promise<void>, stderr: () => string, stopGraceMs: number) {
    this.url = url;
    this.#child = child;
    this.#exited = exited;
    this.#stderr = stderr;
    this.#stopGraceMs = stopGraceMs;
  }

  /** `cpus` is a taskset CPU list to pin the process to, or undefined to let it float. */
  static async start(name: string, nodeArgs: string[], cpus: string | undefined, stopGraceMs: number = STOP_GRACE_MS): Promise<ServerProcess> {
    const [command, args] = pinnedCommand(cpus, 'node', nodeArgs);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const unregister = registerCleanup(() => child.kill('SIGKILL'));
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_CHARS_MAX)));
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        // Kept in the stderr tail, so that an error naming a server also says how it ended.
        stderr = `${stderr}\n(${name} exited: ${signal ?? `code ${code}`})`.slice(-STDERR_CHARS_MAX);
        resolve();
      }),
    );
    void exited.then(unregister);
    let url: string;
    try {
      url = await listeningUrl(name, child, exited, () => stderr);
    } catch (error) {
      child.kill('SIGKILL');
      await exited;
      throw error;
    }
    // Past its start-up line a server's stdout is not read; it is drained so that a chatty server
    // cannot block on a full pipe.
    child.stdout!.resume();
    return new ServerProcess(url, child, exited, () => stderr, stopGraceMs);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  stderr(): string {
    return this.#stderr();
  }

  /** Idempotent: SIGTERM, then SIGKILL after the stop grace; resolves once the process is gone. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), this.#stopGraceMs);
      await this.#exited;
      clearTimeout(timer);
    })();
    return this.#stopping;
  }
}

function listeningUrl(name: string, child: ChildProcess, exited: Promise<void>, stderr: () => string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${START_TIMEOUT_MS} ms; stderr: ${stderr()}`)), START_TIMEOUT_MS);
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        const event = parseJsonLine(line);
        if (typeof event?.event === 'string' && event.event.endsWith('.listening') && typeof event.url === 'string') {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          resolve(event.url);
          return;
        }
      }
    };
    child.stdout!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before listening; stderr: ${stderr()}`));
    });
  });
}

function parseJsonLine(line: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
