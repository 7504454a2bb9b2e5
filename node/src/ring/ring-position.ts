// Positions on the hash ring: the first 64 bits of a SHA-256, as 16 lowercase hex digits.
// Fixed-width hex compares as strings exactly as the numbers would, so the ring sorts and searches
// positions without BigInt, and the API can show them as they are.
//
// Why SHA-256 and not a faster non-cryptographic hash (xxHash, Murmur): node:crypto needs no dependency,
// every node (on Node or Bun) computes bit-identical positions, its output is uniform enough that virtual
// nodes balance as the maths predicts, and clients cannot cheaply craft keys that pile onto one node.
// A key costs one hash of about a microsecond, which is noise next to a network round trip.

import { createHash } from 'node:crypto';

export const RING_POSITION_HEX_DIGITS = 16;
/** The lowest and highest positions; a range (start, end] with start === end covers the whole ring. */
export const RING_POSITION_MIN = '0'.repeat(RING_POSITION_HEX_DIGITS);
export const RING_POSITION_MAX = 'f'.repeat(RING_POSITION_HEX_DIGITS);

function position(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, RING_POSITION_HEX_DIGITS);
}

/** Where a key lives on the ring. The same function main.ts uses for the standalone view. */
export function keyPosition(key: string): string {
  return position(key);
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
