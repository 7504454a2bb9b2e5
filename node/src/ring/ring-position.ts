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
 * Recently asked keys' positions, in two generations (as quick-lru keeps them): a lookup that misses
 * the young one but hits the old one promotes the key, and once the young one holds
 * KEY_POSITIONS_CACHED_PER_GENERATION_MAX keys it becomes the old one and the old one is dropped. So the
 * keys in use stay, at most twice the bound are kept, and no per-hit bookkeeping is paid. Only keys up to
 * KEY_POSITION_CACHED_KEY_CHARS_MAX are kept: with them the cache holds at most ~6 MiB whatever the
 * clients send; a longer key is simply hashed each time.
 */
const KEY_POSITIONS_CACHED_PER_GENERATION_MAX = 8_192;
const KEY_POSITION_CACHED_KEY_CHARS_MAX = 128;
let youngKeyPositions = new Map<string, string>();
let oldKeyPositions = new Map<string, string>();

function rememberKeyPosition(key: string, found: string): void {
  if (youngKeyPositions.size >= KEY_POSITIONS_CACHED_PER_GENERATION_MAX) {
    oldKeyPositions = youngKeyPositions;
    youngKeyPositions = new Map();
  }
  youngKeyPositions.set(key, found);
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
  let found = youngKeyPositions.get(key);
  if (found !== undefined) return found;
  found = oldKeyPositions.get(key) ?? position(key);
  rememberKeyPosition(key, found);
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
