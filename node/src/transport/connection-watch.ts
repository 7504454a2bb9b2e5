// Which peers have an authenticated connection now, and a bounded way to wait for one that does not
// yet. Membership can learn through gossip that a member is alive before this node's own connection to
// it is up (hyperswarm dials in the background): a replica write in that window waits for the
// connection instead of skipping the replica, so it is not left a copy short.

/** Waiters for connections, all peers together; beyond it a wait fails at once. */
export const CONNECTION_WAITERS_MAX = 1024;

interface Waiter {
  readonly resolve: (connected: boolean) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

export class ConnectionWatch {
  readonly #connected = new Set<string>();
  readonly #waiters = new Map<string, Set<Waiter>>();
  #waiterCount = 0;

  isConnected(nodeId: string): boolean {
    return this.#connected.has(nodeId);
  }

  up(nodeId: string): void {
    this.#connected.add(nodeId);
    const waiters = this.#waiters.get(nodeId);
    if (waiters === undefined) return;
    this.#waiters.delete(nodeId);
    for (const waiter of waiters) this.#settle(waiter, true);
  }

  down(nodeId: string): void {
    this.#connected.delete(nodeId);
  }

  /** Resolves true once the peer is connected, false after `timeoutMs` (or at once when too many wait). */
  whenConnected(nodeId: string, timeoutMs: number): Promise<boolean> {
    if (this.#connected.has(nodeId)) return Promise.resolve(true);
    if (this.#waiterCount >= CONNECTION_WAITERS_MAX) return Promise.resolve(false);
    return new Promise((resolve) => {
      let waiters = this.#waiters.get(nodeId);
      if (waiters === undefined) {
        waiters = new Set();
        this.#waiters.set(nodeId, waiters);
      }
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          this.#waiters.get(nodeId)?.delete(waiter);
          if (this.#waiters.get(nodeId)?.size === 0) this.#waiters.delete(nodeId);
          this.#settle(waiter, false);
        }, timeoutMs),
      };
      waiters.add(waiter);
      this.#waiterCount++;
    });
  }

  /** Ends every wait with false. */
  close(): void {
    for (const waiters of this.#waiters.values()) for (const waiter of waiters) this.#settle(waiter, false);
    this.#waiters.clear();
  }

  #settle(waiter: Waiter, connected: boolean): void {
    clearTimeout(waiter.timer);
    this.#waiterCount--;
    waiter.resolve(connected);
  }
}
