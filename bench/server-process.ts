// One Node server under test: a ManagedProcess started with the given Node arguments, ready once it
// prints a JSON line whose event ends in `.listening` (swarmkv's `node.listening`, the baseline's
// `baseline.listening`) carrying its URL.

import { createInterface } from 'node:readline';
import { ManagedProcess, STOP_GRACE_MS } from './managed-process';

const START_TIMEOUT_MS = 15_000;
/**
 * A profiled process gets longer to stop: writing the profile takes seconds, and the last node of a
 * cluster to stop was measured taking 8 s to leave once its peers were gone.
 */
export const PROFILED_STOP_GRACE_MS = 30_000;

export class ServerProcess {
  readonly url: string;
  readonly process: ManagedProcess;

  private constructor(url: string, process: ManagedProcess) {
    this.url = url;
    this.process = process;
  }

  /** `cpus` is a taskset CPU list to pin the process to, or undefined to let it float. */
  static async start(name: string, nodeArgs: string[], cpus: string | undefined, stopGraceMs: number = STOP_GRACE_MS): Promise<ServerProcess> {
    const process = new ManagedProcess(name, 'node', nodeArgs, { cpus, stdout: 'read', stopGraceMs });
    let url: string;
    try {
      url = await listeningUrl(process);
    } catch (error) {
      process.child.kill('SIGKILL');
      await process.exited;
      throw error;
    }
    // Past its start-up line a server's stdout is not read; it is drained so that a chatty server
    // cannot block on a full pipe.
    process.child.stdout!.resume();
    return new ServerProcess(url, process);
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  stderr(): string {
    return this.process.stderr();
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}

function listeningUrl(process: ManagedProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: process.child.stdout!, crlfDelay: Infinity });
    const timer = setTimeout(() => {
      lines.close();
      reject(new Error(`${process.name} did not start within ${START_TIMEOUT_MS} ms; stderr: ${process.stderr()}`));
    }, START_TIMEOUT_MS);
    lines.on('line', (line) => {
      const event = parseJsonLine(line);
      if (typeof event?.event === 'string' && event.event.endsWith('.listening') && typeof event.url === 'string') {
        clearTimeout(timer);
        lines.close();
        resolve(event.url);
      }
    });
    void process.exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${process.name} exited before listening; stderr: ${process.stderr()}`));
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
