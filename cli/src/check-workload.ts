// The clients of `swarmkv check`: concurrent, seeded, paced to a total rate, over a bounded key space of
// the run's own (a prefix no other run uses, so no earlier value can be read back), mixed PUT, DELETE
// and GET at quorum and some at one. Client i always sends to member i mod M, never failing over: during
// a partition there are clients on both sides, and each side's answers show what that side can do.
// Every operation goes into the history as invoked, then ok, failed or timed out, and into the tally
// that `swarmkv check` prints once a second.

import { SeededRandom } from '../../node/src';
import { CLIENT_TIMEOUT_MS, drawOperation, History, UNREACHABLE_BACKOFF_MS } from './checker';
import { answerTimeMs } from './answer-times';
import { exchange } from './http-exchange';
import { keyPath } from './node-client';

/**
 * The most operations one check records: the history is kept whole for the verdict (~300 bytes an
 * operation: 149 MB for 500,000 measured), so this bounds the check's memory. The default rate reaches
 * it after 83 minutes, past the longest --duration; the highest rate after 100 s.
 */
export const CHECK_OPERATIONS_MAX = 500_000;

export interface CheckTarget {
  readonly name: string;
  readonly url: string;
}

export interface CheckWorkloadOptions {
  readonly clients: number;
  readonly keys: number;
  /** All clients together send at most this many operations a second. */
  readonly opsPerSecond: number;
  /** The share of operations sent at consistency=one (the rest at quorum), 0..1. */
  readonly oneShare: number;
  readonly keyPrefix: string;
  readonly token: string | undefined;
  /** The history's bound; CHECK_OPERATIONS_MAX unless a test sets a smaller one. */
  readonly operationsMax?: number;
  /** Each client draws from a generator of its own, seeded from this and its index: client i's n-th operation is the same in every run with this seed, whatever the timing. */
  readonly seed: number;
}

/** How the operations sent to one member ended: answered and acknowledged, answered with a refusal, no answer in time, no connection. */
export interface NodeTally {
  ok: number;
  refused: number;
  timeout: number;
  unreachable: number;
}

export function emptyTally(): NodeTally {
  return { ok: 0, refused: 0, timeout: 0, unreachable: 0 };
}

/** Client `index`'s seed: distinct per client (a golden-ratio stride), a 32-bit word as the generator takes. */
export function clientSeed(seed: number, index: number): number {
  return (seed + Math.imul(index + 1, 0x9e37_79b9)) >>> 0;
}

export function keyName(prefix: string, index: number): string {
  return `${prefix}k${String(index).padStart(5, '0')}`;
}

export class CheckWorkload {
  readonly history = new History();
  /** `503 insufficient_replicas` and the like -> how many operations were refused so. */
  readonly refusals = new Map<string, number>();
  readonly #targets: readonly CheckTarget[];
  readonly #options: CheckWorkloadOptions;
  #tally = new Map<string, NodeTally>();
  readonly #totals = new Map<string, NodeTally>();
  readonly #waiting = new Map<string, number>();
  /** How long each member's answers took since the last takeAnswerTimes(), by member name. */
  #answeredMs = new Map<string, number[]>();
  #running = false;
  #resolveCapped!: () => void;
  /** Resolves once the history holds CHECK_OPERATIONS_MAX operations: the clients stop there. */
  readonly capped = new Promise<void>((resolve) => (this.#resolveCapped = resolve));
  #clients: Promise<void>[] = [];

  constructor(targets: readonly CheckTarget[], options: CheckWorkloadOptions) {
    this.#targets = targets;
    this.#options = options;
  }

  start(): void {
    this.#running = true;
    this.#clients = Array.from({ length: this.#options.clients }, (_, index) => this.#client(`c${index}`, this.#targets[index % this.#targets.length]!, new SeededRandom(clientSeed(this.#options.seed, index))));
  }

  /** Stops sending and waits for the operations in flight (each bounded by CLIENT_TIMEOUT_MS). */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#clients);
  }

  /** What each member's operations came to over the whole run, by member name. */
  totals(): ReadonlyMap<string, NodeTally> {
    return this.#totals;
  }

  /** Operations sent to each member and not answered yet (a paused member's pile up here), by member name. */
  waiting(): ReadonlyMap<string, number> {
    return this.#waiting;
  }

  /** How long each member's answers took since the last call, in ms, by member name. */
  takeAnswerTimes(): Map<string, number[]> {
    const answered = this.#answeredMs;
    this.#answeredMs = new Map();
    return answered;
  }

  /** What each member's operations came to since the last call, by member name. */
  takeTally(): Map<string, NodeTally> {
    const tally = this.#tally;
    this.#tally = new Map();
    return tally;
  }

  async #client(client: string, target: CheckTarget, random: SeededRandom): Promise<void> {
    const intervalMs = (1000 * this.#options.clients) / this.#options.opsPerSecond;
    for (let seq = 0; this.#running; seq++) {
      if (this.history.ops.length >= (this.#options.operationsMax ?? CHECK_OPERATIONS_MAX)) {
        this.#resolveCapped();
        return;
      }
      const startedMs = performance.now();
      const reached = await this.#operate(client, seq, target, random);
      await new Promise((resolve) => setTimeout(resolve, Math.max(reached ? 0 : UNREACHABLE_BACKOFF_MS, intervalMs - (performance.now() - startedMs))));
    }
  }

  /** One operation; resolves false when the member could not be reached at all. */
  async #operate(client: string, seq: number, target: CheckTarget, random: SeededRandom): Promise<boolean> {
    const { keyIndex, kind, consistency } = drawOperation(random, this.#options.keys, this.#options.oneShare);
    const key = keyName(this.#options.keyPrefix, keyIndex);
    const value = kind === 'put' ? `${client}-${seq}` : undefined;
    const op = this.history.invoke({ client, kind, key, consistency, coordinator: target.name, ...(value === undefined ? {} : { value }) });
    const headers = { ...(value === undefined ? {} : { 'content-type': 'application/json' }), ...(this.#options.token === undefined ? {} : { authorization: `Bearer ${this.#options.token}` }) };
    const url = new URL(`${target.url}${keyPath(key)}?consistency=${consistency}`);
    this.#waiting.set(target.name, (this.#waiting.get(target.name) ?? 0) + 1);
    try {
      const answer = await exchange(url, kind === 'put' ? 'PUT' : kind === 'delete' ? 'DELETE' : 'GET', headers, value === undefined ? undefined : JSON.stringify({ value }), CLIENT_TIMEOUT_MS);
      const acknowledged = kind === 'put' ? answer.status === 200 : answer.status === 200 || answer.status === 204 || answer.status === 404;
      const readValue = kind === 'get' && acknowledged ? readValueOf(answer.status, answer.text) : undefined;
      const refusal = acknowledged ? undefined : `${answer.status} ${errorCodeOf(answer.text)}`;
      if (refusal !== undefined) this.refusals.set(refusal, (this.refusals.get(refusal) ?? 0) + 1);
      this.history.complete(op, acknowledged ? 'ok' : 'failed', { status: answer.status, ...(readValue === undefined ? {} : { readValue }), ...(refusal === undefined ? {} : { error: refusal }) });
      this.#count(target.name, acknowledged ? 'ok' : 'refused');
      const takenMs = answerTimeMs(op);
      if (takenMs !== undefined) {
        const answered = this.#answeredMs.get(target.name);
        if (answered === undefined) this.#answeredMs.set(target.name, [takenMs]);
        else answered.push(takenMs);
      }
      return true;
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      this.history.complete(op, timedOut ? 'timeout' : 'failed', { error: (error as NodeJS.ErrnoException).code ?? (error as Error).message });
      this.#count(target.name, timedOut ? 'timeout' : 'unreachable');
      return timedOut;
    }
  }

  #count(name: string, outcome: keyof NodeTally): void {
    this.#waiting.set(name, (this.#waiting.get(name) ?? 1) - 1);
    for (const tallies of [this.#tally, this.#totals]) {
      const tally = tallies.get(name) ?? emptyTally();
      tally[outcome]++;
      tallies.set(name, tally);
    }
  }
}

/** What a GET read: the value a PUT of this workload wrote (always a string), null for a 404, undefined for an answer that is not a record. */
export function readValueOf(status: number, text: string): string | null | undefined {
  if (status === 404) return null;
  try {
    const value = (JSON.parse(text) as { value?: unknown }).value;
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/**
 * The error code of a node's refusal (`{"error": "insufficient_replicas", ...}`), with its reason when it
 * gives one (`unavailable (clock_offset)`: the causes of one code differ), or a placeholder.
 */
function errorCodeOf(text: string): string {
  try {
    const { error: code, reason } = JSON.parse(text) as { error?: unknown; reason?: unknown };
    if (typeof code !== 'string') return 'error';
    return typeof reason === 'string' ? `${code} (${reason})` : code;
  } catch {
    return 'error';
  }
}
