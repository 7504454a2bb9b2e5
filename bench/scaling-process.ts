// One process of the scaling bench (a swarmkv node or the DHT bootstrap): its JSON log lines kept
// (bounded) with their arrival time, its resident memory read from /proc, kill -9, and a bounded
// SIGTERM stop. Until it exits, an interrupted bench SIGKILLs it (cleanup.ts).

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { registerCleanup } from './cleanup';

/** Log lines kept per process: enough for start-up and a failure verdict, bounded for 20 chatty nodes. */
const EVENTS_KEPT_MAX = 2_000;
const STDERR_CHARS_MAX = 8_000;
const STOP_GRACE_MS = 10_000;
const EVENT_POLL_MS = 20;

export interface LoggedEvent {
  readonly event: Record<string, unknown>;
  readonly atMs: number;
}

export interface Memory {
  /** VmRSS: resident pages, anonymous and file-backed (LMDB's map counts here once touched). */
  readonly rssBytes: number;
  /** RssAnon: the heap, stacks and native allocations; what the process itself holds. */
  readonly anonBytes: number;
}

export class BenchProcess {
  readonly name: string;
  readonly spawnedMs = performance.now();
  readonly events: LoggedEvent[] = [];
  readonly exited: Promise<void>;
  readonly #child: ChildProcess;
  #stderr = '';
  #stopping: Promise<void> | undefined;

  constructor(name: string, args: readonly string[]) {
    this.name = name;
    this.#child = spawn('node', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const unregister = registerCleanup(() => this.#child.kill('SIGKILL'));
    this.exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    void this.exited.then(unregister);
    createInterface({ input: this.#child.stdout! }).on('line', (line) => {
      try {
        this.events.push({ event: JSON.parse(line) as Record<string, unknown>, atMs: performance.now() });
        if (this.events.length > EVENTS_KEPT_MAX) this.events.shift();
      } catch {
        // Not a log line.
      }
    });
    this.#child.stderr!.on('data', (chunk: Buffer) => (this.#stderr = (this.#stderr + chunk.toString()).slice(-STDERR_CHARS_MAX)));
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The first line of this event, waiting for it until the deadline. */
  async waitForEvent(name: string, deadlineMs: number): Promise<LoggedEvent> {
    const started = performance.now();
    for (;;) {
      const found = this.events.find((logged) => logged.event.event === name);
      if (found !== undefined) return found;
      if (!this.running) throw new Error(`${this.name} exited before logging ${name}; stderr: ${this.#stderr}`);
      if (performance.now() - started > deadlineMs) throw new Error(`${this.name} did not log ${name} within ${deadlineMs} ms; stderr: ${this.#stderr}`);
      await Bun.sleep(EVENT_POLL_MS);
    }
  }

  memory(): Memory {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s*(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rssBytes: kib('VmRSS'), anonBytes: kib('RssAnon') };
  }

  async kill9(): Promise<void> {
    this.#child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, SIGKILL after the grace; resolves once the process is gone. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (!this.running) return;
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), STOP_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    })();
    return this.#stopping;
  }
}

/** A counter or gauge's value from a node's /metrics text (summed over labels); undefined when absent. */
export async function scrapeMetric(url: string, name: string, timeoutMs: number): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) })).text();
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    total = (total ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
