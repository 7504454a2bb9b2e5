// Opening a node's stores at start-up: the main store and the hint store (LMDB for a data directory,
// memory otherwise), the node's persistent id, and, for a clustered node, the digest index and the
// stale-data check, before anything can read them. A durable clustered node's digest leaves live in
// its LMDB environment, written with each record (replication/stored-digest-index.ts); a --memory
// node's are in the heap beside its records (replication/digest-index.ts).

import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import { isClustered, type NodeConfig } from './config';
import type { Logger } from './log';
import { refuseIfGone } from './main-removals';
import type { OpenedSoFar } from './main-startup';
import { DigestIndex, DigestTrackingStore, discardIfStale, HintLedger, indexStore, leafHasher, StoredDigestIndex, type DigestBuild, type DigestSource } from './replication';
import { MemoryHintStore, MemoryStore, type HintStore, type KvStore } from './storage';
import { isNodeId, NODE_ID_HEX_DIGITS } from './version';

const NODE_ID_META = 'node-id';

/**
 * Opens the store and reads the node's id, before anything can read the store. A clustered node's
 * store keeps digests of its records for anti-entropy: wrapping the store itself means that no write
 * or erase (coordinator, peers, read repair, repair, tombstone collection) can bypass them.
 */
export interface OpenedStores {
  /** The main store; for a clustered node, wrapped so its digests (anti-entropy) stay current. */
  readonly store: KvStore;
  readonly nodeId: string;
  readonly digests: NodeDigests;
  /** Beside the main store (in the same LMDB environment): the hints kept for other nodes. */
  readonly hintStore: HintStore;
  readonly hints: HintLedger;
}

/** Anti-entropy's digests of the node's records, and their build at start (in the background). */
export interface NodeDigests {
  readonly index: DigestSource;
  build(): Promise<DigestBuild>;
}

/** Opens the stores and reads the node's id, before anything can read them. */
export async function openStores(config: NodeConfig, clock: Clock, logger: Logger, opened: OpenedSoFar): Promise<OpenedStores> {
  const bounds = { hintsMax: config.hintsMax, hintBytesMax: config.hintBytesMax };
  // lmdb-js and its native binding load only for a data directory (storage/lmdb.ts).
  // Only a clustered node keeps digests; a store opened without them drops any it had (they would go stale).
  const lmdb = config.memory ? undefined : new (await import('./storage/lmdb')).LmdbStore(config.dataDir, config.syncPolicy, isClustered(config) ? leafHasher : undefined);
  const raw: KvStore = opened.add('store', lmdb ?? new MemoryStore(config.memoryBytesMax));
  if (lmdb !== undefined && lmdb.movedKeys.moved + lmdb.movedKeys.unreadable > 0) {
    // A store an earlier build wrote, its keys moved to UTF-8 once (storage/lmdb-keys.ts).
    const level = lmdb.movedKeys.unreadable > 0 ? 'warn' : 'info';
    logger[level]('storage.keys_reencoded', { moved: lmdb.movedKeys.moved, unreadable: lmdb.movedKeys.unreadable });
  }
  const hintStore: HintStore = opened.add('hint store', lmdb?.openHintStore(bounds) ?? new MemoryHintStore(bounds));
  const hints = new HintLedger(hintStore, logger);
  const nodeId = await loadOrCreateNodeId(raw);
  const positions = lmdb?.positions;
  if (!isClustered(config)) return { store: raw, nodeId, digests: heapDigests(raw, new DigestIndex()), hintStore, hints };
  refuseIfGone(raw, nodeId, config.dataDir);
  // A clustered node away past the tombstone grace period starts empty, hints included
  // (replication/stale-data.ts): what it holds may be values whose tombstones were collected since.
  await discardIfStale({ store: raw, hintStore, clock, graceMs: config.tombstoneGraceMs, logger });
  if (positions !== undefined) {
    const stored = new StoredDigestIndex(positions);
    const page = (afterKey: string | undefined, limit: number) => raw.scan({ limit, includeTombstones: true, ...(afterKey === undefined ? {} : { afterKey }) });
    return { store: raw, nodeId, digests: { index: stored, build: () => stored.build(page) }, hintStore, hints };
  }
  const heap = new DigestIndex();
  return { store: new DigestTrackingStore(raw, heap), nodeId, digests: heapDigests(raw, heap), hintStore, hints };
}

/** The in-heap index, built by one scan of the store (which is in memory too). */
function heapDigests(store: KvStore, index: DigestIndex): NodeDigests {
  return { index, build: async () => ({ leavesAdded: 0, leaves: await indexStore(store, index) }) };
}

/** The node's id survives restarts (it is in the store's metadata), so its versions stay attributable. */
async function loadOrCreateNodeId(store: KvStore): Promise<string> {
  const existing = store.getMeta(NODE_ID_META);
  if (existing !== undefined && isNodeId(existing)) return existing;
  const created = randomBytes(NODE_ID_HEX_DIGITS / 2).toString('hex');
  await store.setMeta(NODE_ID_META, created);
  return created;
}
