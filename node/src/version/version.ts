// A record's version: a hybrid logical clock timestamp plus the id of the node that wrote it.
// Encoded as a fixed-width string `wwwwwwwwwwww.llll.nnnnnnnnnnnnnnnn` (hex wall milliseconds, hex logical
// counter, node id) so that comparing two encodings as strings orders them exactly as comparing
// (wallMs, logical, nodeId) would: replicas pick the same winner for concurrent writes without decoding.

import { HLC_LOGICAL_MAX } from '../limits';
import { assert } from '../assert';

export interface Version {
  readonly wallMs: number;
  readonly logical: number;
  readonly nodeId: string;
}

const WALL_HEX_DIGITS = 12;
const LOGICAL_HEX_DIGITS = 4;
export const NODE_ID_HEX_DIGITS = 16;
const VERSION_PATTERN = /^([0-9a-f]{12})\.([0-9a-f]{4})\.([0-9a-f]{16})$/;
const NODE_ID_PATTERN = /^[0-9a-f]{16}$/;
/** The largest wall time 12 hex digits hold: the year 10889. */
const WALL_MS_MAX = 16 ** WALL_HEX_DIGITS - 1;

export function isNodeId(text: string): boolean {
  return NODE_ID_PATTERN.test(text);
}

export function formatVersion(version: Version): string {
  assert(Number.isInteger(version.wallMs) && version.wallMs >= 0 && version.wallMs <= WALL_MS_MAX, 'version wall time out of range');
  assert(Number.isInteger(version.logical) && version.logical >= 0 && version.logical <= HLC_LOGICAL_MAX, 'version logical counter out of range');
  assert(isNodeId(version.nodeId), 'version node id is 16 lowercase hex digits');
  return `${version.wallMs.toString(16).padStart(WALL_HEX_DIGITS, '0')}.${version.logical
    .toString(16)
    .padStart(LOGICAL_HEX_DIGITS, '0')}.${version.nodeId}`;
}

/** Parses an encoded version from untrusted input (a header, a peer message); undefined if malformed. */
export function parseVersion(text: string): Version | undefined {
  const match = VERSION_PATTERN.exec(text);
  if (!match) return undefined;
  return { wallMs: parseInt(match[1]!, 16), logical: parseInt(match[2]!, 16), nodeId: match[3]! };
}

export function isVersion(text: unknown): text is string {
  return typeof text === 'string' && VERSION_PATTERN.test(text);
}

/** Negative when a is older than b, zero when equal, positive when newer. */
export function compareVersions(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
