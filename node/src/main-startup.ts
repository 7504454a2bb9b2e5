// Start-up opens things one after another: the HTTP listener, the store, the tombstone collector, the
// cluster half (transport, membership, timers). A later step that fails (a bad data directory, a
// cluster that cannot start), or a stop asked for while starting (SIGTERM while the DHT bootstrap does
// not answer), must not leave the earlier ones open: a leaked listener or timer keeps the process alive
// after it reported its failure, and a leaked LMDB environment keeps the data directory locked. So each
// step records what it opened, and an interrupted start closes those, newest first.

import type { Logger } from './log';

interface Closeable {
  close(): Promise<unknown> | void;
}

/** A start given up because a stop was asked for (`StartOptions.signal`); not a failure of the node. */
export class StartInterrupted extends Error {
  constructor() {
    super('a stop was asked for while the node was starting');
    this.name = 'StartInterrupted';
  }
}

/** Rejects with StartInterrupted once `signal` aborts, if `work` has not settled by then. */
export function unlessInterrupted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(new StartInterrupted());
  return new Promise<T>((resolve, reject) => {
    const interrupt = () => reject(new StartInterrupted());
    signal.addEventListener('abort', interrupt, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', interrupt));
  });
}

/** What start-up has opened so far, to close in reverse order if it does not finish. */
export class OpenedSoFar {
  readonly #opened: { readonly name: string; readonly resource: object; readonly close: () => Promise<unknown> | void }[] = [];
  readonly #signal: AbortSignal | undefined;

  constructor(signal: AbortSignal | undefined) {
    this.#signal = signal;
  }

  /** Remembers `resource` (named for the log) and returns it; added again, it moves to the front of the closing order. */
  add<T extends Closeable>(name: string, resource: T): T {
    return this.addClosing(name, resource, () => resource.close());
  }

  /** As `add`, closed by `close` rather than by its own close(). */
  addClosing<T extends object>(name: string, resource: T, close: () => Promise<unknown> | void): T {
    const index = this.#opened.findIndex((entry) => entry.resource === resource);
    if (index >= 0) this.#opened.splice(index, 1);
    this.#opened.push({ name, resource, close });
    return resource;
  }

  /** Between steps: a stop asked for meanwhile ends the start here. */
  checkpoint(): void {
    if (this.#signal?.aborted) throw new StartInterrupted();
  }

  /** Closes everything opened so far, newest first; a close that fails is logged, and the others still close. */
  async closeAll(logger: Logger, cause: unknown): Promise<void> {
    logger.info('node.start_abandoned', { reason: cause instanceof StartInterrupted ? 'stop_requested' : 'failed', error: cause instanceof Error ? cause.message : String(cause), closing: this.#opened.map(({ name }) => name).reverse() });
    for (const { name, close } of this.#opened.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        logger.error('node.start_cleanup_failed', { resource: name, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}
