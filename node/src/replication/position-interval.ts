// Intervals of ring positions, as anti-entropy compares them: (start, end] in the ring's 64-bit space,
// wrapping past the top when end <= start, the whole ring when start === end (HashRing.ranges' own
// convention). Positions are 16 hex digits; the arithmetic is BigInt so no bit of the 64 is lost.

import { RING_POSITION_HEX_DIGITS } from '../ring';

export interface PositionInterval {
  readonly start: string;
  readonly end: string;
}

/** The size of the ring's position space: 2^64. */
export const RING_SPACE = 1n << 64n;
const POSITION_MAX = RING_SPACE - 1n;

export function positionValue(position: string): bigint {
  return BigInt(`0x${position}`);
}

export function positionHex(value: bigint): string {
  return value.toString(16).padStart(RING_POSITION_HEX_DIGITS, '0');
}

/** How many positions the interval holds: 1..2^64. */
export function intervalWidth(interval: PositionInterval): bigint {
  const width = (positionValue(interval.end) - positionValue(interval.start) + RING_SPACE) % RING_SPACE;
  return width === 0n ? RING_SPACE : width;
}

/**
 * The interval cut into `parts` consecutive children that cover it exactly (fewer when it holds fewer
 * positions). Both replicas cut the same interval the same way, so their children line up.
 */
export function splitInterval(interval: PositionInterval, parts: number): PositionInterval[] {
  const width = intervalWidth(interval);
  const count = BigInt(parts) > width ? Number(width) : parts;
  const start = positionValue(interval.start);
  const children: PositionInterval[] = [];
  let from = interval.start;
  for (let index = 1; index <= count; index++) {
    const to = index === count ? interval.end : positionHex((start + (width * BigInt(index)) / BigInt(count)) % RING_SPACE);
    children.push({ start: from, end: to });
    from = to;
  }
  return children;
}

/** The interval as at most two non-wrapping pieces [low, high], both ends included. */
export function inclusivePieces(interval: PositionInterval): Array<readonly [bigint, bigint]> {
  if (intervalWidth(interval) === RING_SPACE) return [[0n, POSITION_MAX]];
  const low = (positionValue(interval.start) + 1n) % RING_SPACE;
  const high = positionValue(interval.end);
  return low <= high ? [[low, high]] : [[low, POSITION_MAX], [0n, high]];
}

export function containsPosition(interval: PositionInterval, position: string): boolean {
  const value = positionValue(position);
  return inclusivePieces(interval).some(([low, high]) => value >= low && value <= high);
}
