// Removals survive restarts. `swarmkv remove` is final (membership/member.ts), but membership lives in
// memory: had every node restarted since, nobody would remember the removal, and the removed node,
// started again on its old data directory, would rejoin as an owner of ranges that have new owners.
// So each clustered node keeps, in its store's metadata:
//  - the members removed from its cluster (seeded into membership as `removed` at every start, so the
//    removed node cannot introduce itself again, and gossiped from there to nodes that never heard);
//  - whether it was itself removed, in which case it refuses to start on that data directory;
//  - whether it left (`swarmkv leave` finished), in which case it refuses too, as Cassandra refuses a
//    decommissioned node: its ranges have new owners, and a restart (by hand, or an init system's)
//    must not take them back with the data it held when it left.

import type { Logger } from './log';
import { MEMBERS_MAX, type MemberUpdate } from './membership';
import type { KvStore } from './storage';
import { isNodeId } from './version';

/** The store metadata entry listing removed members (JSON array of RemovedMember). */
export const REMOVED_MEMBERS_META = 'removed-members';
/** The store metadata entry set on a node that heard it was removed (JSON SelfRemoval). */
export const SELF_REMOVAL_META = 'removed-from-cluster';

/** The store metadata entry set once this node's leave finished (JSON SelfDeparture). */
export const SELF_DEPARTURE_META = 'left-cluster';

/** What is kept of a removed member: enough to put it back into membership as `removed`. */
export type RemovedMember = Pick<MemberUpdate, 'nodeId' | 'name' | 'httpAddress' | 'incarnation'>;

interface SelfRemoval {
  readonly by: string;
  readonly atMs: number;
}

interface SelfDeparture {
  readonly atMs: number;
}

/** The removed members this store remembers; malformed entries are skipped (they only keep nodes out). */
export function rememberedRemovals(store: Pick<KvStore, 'getMeta'>): RemovedMember[] {
  const parsed = parseJson(store.getMeta(REMOVED_MEMBERS_META));
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(isRemovedMember).slice(-MEMBERS_MAX);
}

/**
 * Adds members to the remembered removals (idempotent). Saves are chained, each writing the whole list,
 * so two removals heard at once both stay. The list is bounded like the membership table itself: past
 * MEMBERS_MAX, the oldest removal is forgotten first.
 */
export class RemovalRecord {
  readonly #store: Pick<KvStore, 'getMeta' | 'setMeta'>;
  readonly #logger: Logger;
  #removed: RemovedMember[];
  #saving: Promise<void> = Promise.resolve();

  constructor(store: Pick<KvStore, 'getMeta' | 'setMeta'>, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
    this.#removed = rememberedRemovals(store);
  }

  remember(member: RemovedMember): Promise<void> {
    if (this.#removed.some((removed) => removed.nodeId === member.nodeId)) return this.#saving;
    const { nodeId, name, httpAddress, incarnation } = member;
    this.#removed = [...this.#removed, { nodeId, name, httpAddress, incarnation }].slice(-MEMBERS_MAX);
    const text = JSON.stringify(this.#removed);
    this.#saving = this.#saving.then(() => this.#store.setMeta(REMOVED_MEMBERS_META, text)).catch((error: unknown) => this.#logger.error('membership.removal_remember_failed', { member: nodeId, error: String(error) }));
    return this.#saving;
  }
}

/** Marks this node's data directory as belonging to a removed member (see refuseIfGone). */
export async function rememberSelfRemoval(store: Pick<KvStore, 'setMeta'>, by: string, atMs: number, logger: Logger): Promise<void> {
  const removal: SelfRemoval = { by, atMs };
  await store.setMeta(SELF_REMOVAL_META, JSON.stringify(removal)).catch((error: unknown) => logger.error('membership.removal_remember_failed', { member: 'self', error: String(error) }));
}

/**
 * Marks this node's data directory as belonging to a member that left (see refuseIfGone): written
 * before the `left` announcement, so no restart after it finds the data directory unmarked. A failed
 * write is logged, and the leave goes on (the node is leaving anyway).
 */
export async function rememberSelfDeparture(store: Pick<KvStore, 'setMeta'>, atMs: number, logger: Logger): Promise<void> {
  const departure: SelfDeparture = { atMs };
  await store.setMeta(SELF_DEPARTURE_META, JSON.stringify(departure)).catch((error: unknown) => logger.error('leave.remember_failed', { error: String(error) }));
}

/**
 * A node removed from its cluster, or that left it, must not come back under the same id: its ranges
 * have new owners and its data is behind theirs. Start-up stops here with what to do instead.
 */
export function refuseIfGone(store: Pick<KvStore, 'getMeta'>, nodeId: string, dataDir: string): void {
  const instead = `Start a new node on an empty data directory instead of ${dataDir} (it joins as an ordinary new member)`;
  const removal = parseJson(store.getMeta(SELF_REMOVAL_META));
  if (isSelfRemoval(removal)) {
    throw new Error(`node ${nodeId} was removed from its cluster by ${removal.by} at ${new Date(removal.atMs).toISOString()}; a removed node does not come back. ${instead}`);
  }
  const departure = parseJson(store.getMeta(SELF_DEPARTURE_META));
  if (isSelfDeparture(departure)) {
    throw new Error(`node ${nodeId} left its cluster at ${new Date(departure.atMs).toISOString()} (swarmkv leave): its ranges have new owners, so it does not come back on the data it held then. ${instead}`);
  }
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRemovedMember(value: unknown): value is RemovedMember {
  if (typeof value !== 'object' || value === null) return false;
  const member = value as Record<string, unknown>;
  return typeof member.nodeId === 'string' && isNodeId(member.nodeId) && typeof member.name === 'string' && typeof member.httpAddress === 'string' && Number.isSafeInteger(member.incarnation);
}

function isSelfRemoval(value: unknown): value is SelfRemoval {
  if (typeof value !== 'object' || value === null) return false;
  const removal = value as Record<string, unknown>;
  return typeof removal.by === 'string' && typeof removal.atMs === 'number' && Number.isFinite(removal.atMs);
}

function isSelfDeparture(value: unknown): value is SelfDeparture {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>).atMs === 'number' && Number.isFinite((value as Record<string, unknown>).atMs);
}
