// One `swarmkv node` child process of `swarmkv up`: spawned in a process group of its own (so the
// terminal's Ctrl-C reaches only `up`, which then stops each child exactly once), its JSON log lines
// forwarded whole, its URL taken from its `node.listening` line, and a stop that cannot hang.

import { spawn, type ChildProcess } from 'node:child_process';

/** The last output lines kept (stdout and stderr), to say why a node died or never came up. */
const OUTPUT_LINES_KEPT = 20;

export interface ChildNodeSpec {
  readonly name: string;
  /** argv after the executable, e.g. [script, 'node', '--port', '7070', ...]. */
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ChildOutput {
  /** A whole stdout line (a JSON log line, normally). */
  stdout(line: string): void;
  /** A whole stderr line. */
  stderr(line: string): void;
}

/** Calls `onLine` with every complete line of the stream, and with a final unterminated one. */
function forEachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
  });
  stream.on('end', () => {
    if (buffered.length > 0) onLine(buffered);
  });
}

export class ChildNode {
  readonly name: string;
  readonly #process: ChildProcess;
  readonly #stderrTail: string[] = [];
  readonly #outputTail: string[] = [];
  /** Resolves with the URL from the node's `node.listening` line; rejects if it exits first. */
  readonly listening: Promise<string>;
  readonly exited: Promise<ChildExit>;
  #exit: ChildExit | undefined;
  #stopRequested = false;
  #listening = false;
  #leftCluster = false;
  #restartAfterMs: number | undefined;

  constructor(executable: string, spec: ChildNodeSpec, output: ChildOutput) {
    this.name = spec.name;
    this.#process = spawn(executable, spec.args, { stdio: ['ignore', 'pipe', 'pipe'], env: spec.env, detached: true });
    this.exited = new Promise((resolve) => {
      this.#process.once('error', (error) => {
        this.#stderrTail.push(error.message);
        this.#exit ??= { code: null, signal: null };
        resolve(this.#exit);
      });
      // 'close', not 'exit': it comes after the child's stdout and stderr are drained, so the node's
      // last lines (node.stopped) are passed on before anyone acts on its exit.
      this.#process.once('close', (code, signal) => {
        this.#exit ??= { code, signal };
        resolve(this.#exit);
      });
    });
    let listened: (url: string) => void = () => {};
    this.listening = new Promise<string>((resolve, reject) => {
      listened = (url) => {
        this.#listening = true;
        resolve(url);
      };
      void this.exited.then((exit) => reject(new Error(`${this.name} ${describeExit(exit)} before listening`)));
    });
    this.listening.catch(() => {});
    forEachLine(this.#process.stdout!, (line) => {
      keepLast(this.#outputTail, line);
      output.stdout(line);
      const url = listeningUrl(line);
      if (url !== undefined) listened(url);
      if (line.includes('"leave.finished"')) this.#leftCluster = true;
      const restartAfterMs = killRestartAfterMs(line);
      if (restartAfterMs !== undefined) this.#restartAfterMs = restartAfterMs;
    });
    forEachLine(this.#process.stderr!, (line) => {
      keepLast(this.#stderrTail, line);
      keepLast(this.#outputTail, line);
      output.stderr(line);
    });
  }

  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** How it exited; undefined while it runs. */
  get exit(): ChildExit | undefined {
    return this.#exit;
  }

  /** True once the node logged node.listening. */
  get isListening(): boolean {
    return this.#listening;
  }

  /** True once the node logged leave.finished: it left its cluster for good, and stops on its own. */
  get leftCluster(): boolean {
    return this.#leftCluster;
  }

  /** Set once the node logged a chaos kill asking its supervisor to start it again this long after it dies. */
  get restartAfterMs(): number | undefined {
    return this.#restartAfterMs;
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /** True once stop() or kill() was called: an exit after that was asked for. */
  get stopRequested(): boolean {
    return this.#stopRequested;
  }

  /** What the node last wrote to stderr: the reason, when it died. */
  stderrTail(): string[] {
    return [...this.#stderrTail];
  }

  /** What the node last wrote on either stream: how far it got, when it never came up. */
  outputTail(): string[] {
    return [...this.#outputTail];
  }

  /** SIGTERM, then SIGKILL if it has not exited within `deadlineMs`. Resolves true if it had to be killed. */
  async stop(deadlineMs: number): Promise<boolean> {
    this.#stopRequested = true;
    if (!this.running) return false;
    this.#signal('SIGTERM');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), deadlineMs)));
    const forced = await Promise.race([this.exited.then(() => false), timedOut]);
    clearTimeout(timer);
    if (forced) {
      this.kill();
      await this.exited;
    }
    return forced;
  }

  /** SIGKILL now: no shutdown path runs. */
  kill(): void {
    this.#stopRequested = true;
    if (this.running) this.#signal('SIGKILL');
  }

  #signal(signal: NodeJS.Signals): void {
    try {
      this.#process.kill(signal);
    } catch {
      // Already gone: the exit event is on its way.
    }
  }
}

function keepLast(tail: string[], line: string): void {
  tail.push(line);
  if (tail.length > OUTPUT_LINES_KEPT) tail.shift();
}

/** A JSON log line's fields when it is the event named, else undefined (a substring test first: most lines are not). */
function eventFields(line: string, event: string): Record<string, unknown> | undefined {
  if (!line.includes(`"${event}"`)) return undefined;
  try {
    const parsed = JSON.parse(line) as Record<string, unknown> | null;
    return parsed?.event === event ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The wait a `chaos.kill` line asks for before the node is started again, if the line is one and asks. */
function killRestartAfterMs(line: string): number | undefined {
  const restartAfterMs = eventFields(line, 'chaos.kill')?.restartAfterMs;
  return typeof restartAfterMs === 'number' ? restartAfterMs : undefined;
}

function listeningUrl(line: string): string | undefined {
  const url = eventFields(line, 'node.listening')?.url;
  return typeof url === 'string' ? url : undefined;
}

export function describeExit(exit: ChildExit): string {
  if (exit.signal !== null) return `was killed by ${exit.signal}`;
  if (exit.code !== null) return `exited with code ${exit.code}`;
  return 'could not be started';
}
