// Clean-up of the copies a node no longer owns: Cassandra's `nodetool cleanup`, run by every node on
// its own, so that at rest every key is held by exactly its N replicas. After a ring change (a node
// joined; a member left or was removed) the old owners of the moved ranges still hold their copies.
// Once the ring has been stable for the grace period, each node walks its store a batch at a time and,
// for every record whose key it no longer replicates, asks the key's owners for theirs:
//   - every owner holds this version or a newer one: the local copy is neither the newest nor the
//     only one, so it is erased (only if it is still this version: a write landing meanwhile stays);
//   - an owner lacks it or holds an older one: the local copy goes to that owner (a replica write,
//     newer wins) and is kept, to be checked again on the next sweep;
//   - an owner cannot be asked: the copy is kept.
// One batch per tick, bounded reads in flight, so the sweep never competes with requests for long.
// Logs `cleanup.pass_finished` per sweep of the whole store (info when it deleted or kept anything).

import type { Logger } from '../log';
import type { KvStore, StoredRecord } from '../storage';
import { forEachBounded } from './for-each-bounded';
import type { ReplicaDirectory } from './placement';

export interface CleanupDeps {
  readonly selfId: string;
  readonly store: KvStore;
  /** The nodes that own the key now (the ring this node routes by), in preference order. */
  readonly owners: (key: string) => readonly string[];
  /** Names the ring; a change restarts the grace period. */
  readonly ringDigest: () => string;
  /** False while the ring is changing (a node joining or leaving): nothing is deleted then. */
  readonly ringSettled: () => boolean;
  readonly directory: ReplicaDirectory;
  readonly logger: Logger;
  readonly nowMs: () => number;
  /** How long the ring must stay unchanged before copies are deleted; 0 turns clean-up off. */
  readonly graceMs: number;
  readonly tickMs: number;
  readonly batchMax: number;
  readonly readsInFlightMax: number;
}

interface SweepTally {
  scanned: number;
  notOwned: number;
  deleted: number;
  pushed: number;
  kept: number;
  startedMs: number;
}

type Verdict = 'deleted' | 'pushed' | 'kept';

const emptyTally = (): SweepTally => ({ scanned: 0, notOwned: 0, deleted: 0, pushed: 0, kept: 0, startedMs: performance.now() });

export class CleanupService {
  readonly #deps: CleanupDeps;
  #ringDigest = '';
  #stableSinceMs = 0;
  #afterKey: string | undefined;
  #tally = emptyTally();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #closed = false;
  /** Copies deleted since start: swarmkv_cleanup_keys_deleted_total. */
  keysDeleted = 0;

  constructor(deps: CleanupDeps) {
    this.#deps = deps;
  }

  start(): void {
    if (this.#timer !== undefined || this.#closed || this.#deps.graceMs === 0) return;
    const tick = () => {
      this.#running = this.tick()
        .catch((error: unknown) => this.#deps.logger.error('cleanup.batch_failed', { error: error instanceof Error ? error.message : String(error) }))
        .finally(() => {
          this.#running = undefined;
          if (!this.#closed) this.#timer = setTimeout(tick, this.#deps.tickMs).unref();
        });
    };
    this.#timer = setTimeout(tick, this.#deps.tickMs).unref();
  }

  /** One batch of the sweep, if the ring has been stable for the grace period. */
  async tick(): Promise<void> {
    const { store, batchMax, readsInFlightMax, nowMs, graceMs } = this.#deps;
    // While a join or a leave is under way the ring is about to change: the grace starts after it.
    const digest = this.#deps.ringSettled() ? this.#deps.ringDigest() : 'changing';
    if (digest !== this.#ringDigest || digest === 'changing') {
      // The ring moved: start over once it has been still for the grace period.
      this.#ringDigest = digest;
      this.#stableSinceMs = nowMs();
      this.#afterKey = undefined;
      this.#tally = emptyTally();
    }
    if (nowMs() - this.#stableSinceMs < graceMs) return;
    const page = store.scan({ limit: batchMax, includeTombstones: true, ...(this.#afterKey === undefined ? {} : { afterKey: this.#afterKey }) });
    const notOwned = page.records.filter((record) => !this.#deps.owners(record.key).includes(this.#deps.selfId));
    const verdicts = await forEachBounded(notOwned, readsInFlightMax, () => this.#closed, (record) => this.#settle(record));
    this.#count(page.records.length, verdicts);
    this.#afterKey = page.resumeAfterKey;
    if (this.#afterKey === undefined) this.#finishSweep();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  async #settle(record: StoredRecord): Promise<Verdict> {
    const owners = this.#deps.owners(record.key);
    if (owners.length === 0) return 'kept';
    let allHoldIt = true;
    for (const owner of owners) {
      const replica = this.#deps.directory.replica(owner);
      if (replica === undefined) return 'kept';
      const held = await replica.read(record.key).catch(() => null);
      if (held === null) return 'kept';
      if (held !== undefined && held.version >= record.version) continue;
      allHoldIt = false;
      const pushed = await replica.write(record).then(() => true, () => false);
      if (!pushed) return 'kept';
    }
    if (!allHoldIt) return 'pushed';
    return (await this.#deps.store.erase(record.key, record.version)) ? 'deleted' : 'kept';
  }

  #count(scanned: number, verdicts: readonly (Verdict | undefined)[]): void {
    const tally = this.#tally;
    tally.scanned += scanned;
    tally.notOwned += verdicts.length;
    for (const verdict of verdicts) {
      if (verdict === 'deleted') tally.deleted++;
      else if (verdict === 'pushed') tally.pushed++;
      else tally.kept++;
    }
    this.keysDeleted += verdicts.filter((verdict) => verdict === 'deleted').length;
  }

  #finishSweep(): void {
    const { startedMs, ...counts } = this.#tally;
    const fields = { ...counts, ms: Math.round(performance.now() - startedMs) };
    if (counts.notOwned > 0) this.#deps.logger.info('cleanup.pass_finished', fields);
    else this.#deps.logger.debug('cleanup.pass_finished', fields);
    this.#tally = emptyTally();
  }
}
