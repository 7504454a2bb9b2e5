// The ring's arithmetic: positions are 64-bit hashes (hex), a range (start, end] wraps past the top.
// Shares are computed exactly with BigInt, then turned into fractions of the whole ring.
import type { RingRangeView, RingView } from '../api-types';

const RING_SIZE = 1n << 64n;

export interface NodeShare {
  readonly nodeId: string;
  /** Fraction of the ring for which the node is first in the preference list (sums to 1). */
  readonly primary: number;
  /** Fraction of the ring the node holds a replica of (sums to the replication factor in use). */
  readonly replica: number;
}

/** Fraction of the ring from the top, clockwise, where a hex position lies. */
export function positionFraction(hex: string): number {
  return Number(BigInt(`0x${hex}`) >> 11n) / 2 ** 53;
}

export function rangeFraction(range: RingRangeView): number {
  const length = (BigInt(`0x${range.end}`) - BigInt(`0x${range.start}`) + RING_SIZE) % RING_SIZE;
  return Number(length === 0n ? RING_SIZE : length) / Number(RING_SIZE);
}

export function nodeShares(ring: RingView): NodeShare[] {
  const primary = new Map<string, number>(ring.members.map((nodeId) => [nodeId, 0]));
  const replica = new Map<string, number>(ring.members.map((nodeId) => [nodeId, 0]));
  for (const range of ring.ranges) {
    const fraction = rangeFraction(range);
    const first = range.replicas[0];
    if (first !== undefined) primary.set(first, (primary.get(first) ?? 0) + fraction);
    for (const nodeId of range.replicas) replica.set(nodeId, (replica.get(nodeId) ?? 0) + fraction);
  }
  return ring.members.map((nodeId) => ({ nodeId, primary: primary.get(nodeId) ?? 0, replica: replica.get(nodeId) ?? 0 }));
}

const OUTER_RADIUS = 100;
const INNER_RADIUS = 72;

function point(fraction: number, radius: number): string {
  const angle = fraction * 2 * Math.PI - Math.PI / 2;
  return `${(radius * Math.cos(angle)).toFixed(2)} ${(radius * Math.sin(angle)).toFixed(2)}`;
}

/** An SVG path for the ring segment between two fractions, clockwise. */
export function arcPath(fromFraction: number, lengthFraction: number): string {
  const to = fromFraction + Math.min(lengthFraction, 0.999_999);
  const large = lengthFraction > 0.5 ? 1 : 0;
  return [
    `M ${point(fromFraction, OUTER_RADIUS)}`,
    `A ${OUTER_RADIUS} ${OUTER_RADIUS} 0 ${large} 1 ${point(to, OUTER_RADIUS)}`,
    `L ${point(to, INNER_RADIUS)}`,
    `A ${INNER_RADIUS} ${INNER_RADIUS} 0 ${large} 0 ${point(fromFraction, INNER_RADIUS)}`,
    'Z',
  ].join(' ');
}

/** Colours chosen to stay apart from each other and readable on white; a ninth node reuses the first. */
const NODE_COLOURS = ['#1f77b4', '#d35400', '#2e7d32', '#8e24aa', '#c62828', '#00838f', '#6d4c41', '#ad1457'];

export function colourOf(nodeId: string, members: readonly string[]): string {
  const index = [...members].sort().indexOf(nodeId);
  return NODE_COLOURS[(index < 0 ? 0 : index) % NODE_COLOURS.length]!;
}
