// Positions on the hash ring: the first 64 bits of a SHA-256, as 16 lowercase hex digits.
// Fixed-width hex compares as strings exactly as the numbers would, so the ring sorts and searches
// positions without BigInt, and the API can show them as they are.
//
// Why SHA-256 and not a faster non-cryptographic hash (xxHash, Murmur): node:crypto needs no dependency,
// every node (on Node or Bun) computes bit-identical positions, its output is uniform enough that virtual
// nodes balance as the maths predicts, and clients cannot cheaply craft keys that pile onto one node.
//
// A key's position is asked for several times per request (the coordinator's placement, the digest index
// of each replica that stores it, GET /cluster/locate), and a hot key on every request it appears in. A
// hash through createHash cost ~1.9 µs on Node (4-5% of a cluster GET's CPU, bench/RESULTS.md "http-path"):
// sha256.ts takes the one-shot hash (~0.6 µs), and recent keys' positions are kept in a small bounded
// cache, so a repeated key costs a map lookup.

import { sha256Hex } from '../sha256';

export const RING_POSITION_HEX_DIGITS = 16;
/** The lowest and highest positions; a range (start, end] with start === end covers the whole ring. */
export const RING_POSITION_MIN = '0'.repeat(RING_POSITION_HEX_DIGITS);
export const RING_POSITION_MAX = 'f'.repeat(RING_POSITION_HEX_DIGITS);

function position(text: string): string {
  return sha256Hex(text).slice(0, RING_POSITION_HEX_DIGITS);
}

/**
 * Recently asked keys' positions, in a direct-mapped table: a key's slot is picked by a cheap hash of its
 * characters (FNV-1a), and a key that finds another in its slot takes the slot over. A hit costs the hash
 * and one string comparison; nothing is allocated, reordered or rebuilt. (Two generations of Maps, as
 * quick-lru keeps them, were tried first: a working set between one and two generations, such as the
 * benchmark's 10,000 keys against 8,192, paid two lookups, an insert and a growing Map per request,
 * ~4 µs of a 28 µs cluster GET; bench/RESULTS.md, issue 11, key-position slots.) Only keys up to
 * KEY_POSITION_CACHED_KEY_CHARS_MAX are kept, so the table holds at most ~10 MiB whatever the clients
 * send; a longer key is simply hashed each time.
 */
const KEY_POSITION_SLOTS = 32_768;
const KEY_POSITION_SLOT_MASK = KEY_POSITION_SLOTS - 1;
const KEY_POSITION_CACHED_KEY_CHARS_MAX = 128;
const FNV_OFFSET_BASIS = 0x81_1c_9d_c5;
const FNV_PRIME = 0x01_00_01_93;
const slotKeys: (string | undefined)[] = new Array<string | undefined>(KEY_POSITION_SLOTS).fill(undefined);
const slotPositions: string[] = new Array<string>(KEY_POSITION_SLOTS).fill('');

function slotOf(key: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (let index = 0; index < key.length; index++) hash = Math.imul(hash ^ key.charCodeAt(index), FNV_PRIME);
  return hash & KEY_POSITION_SLOT_MASK;
}

/**
 * Where a key lives on the ring, not remembered: for a pass over every key held (summing the digests
 * at start), which would only push the keys in use out of the cache and pay for it (~0.3 µs a key).
 */
export function keyPositionUncached(key: string): string {
  return position(key);
}

/** Where a key lives on the ring. The same function main.ts uses for the standalone view. */
export function keyPosition(key: string): string {
  if (key.length > KEY_POSITION_CACHED_KEY_CHARS_MAX) return position(key);
  const slot = slotOf(key);
  if (slotKeys[slot] === key) return slotPositions[slot]!;
  const found = position(key);
  slotKeys[slot] = key;
  slotPositions[slot] = found;
  return found;
}

/**
 * Token positions already computed. A ring is rebuilt on every membership change, and a what-if
 * question builds a few dozen rings of the same members: each would otherwise hash every token again
 * (members × tokens SHA-256s). Bounded: past the bound the cache starts over, which only costs hashing.
 */
const TOKEN_POSITIONS_CACHED_MAX = 65_536;
const tokenPositions = new Map<string, string>();

/**
 * Where a node's `index`th virtual node sits. Only the node id and the index go in, so every node
 * computes the same ring from the same member set, with no coordination.
 */
export function tokenPosition(nodeId: string, index: number): string {
  const text = `token:${nodeId}:${index}`;
  let found = tokenPositions.get(text);
  if (found === undefined) {
    if (tokenPositions.size >= TOKEN_POSITIONS_CACHED_MAX) tokenPositions.clear();
    found = position(text);
    tokenPositions.set(text, found);
  }
  return found;
}
