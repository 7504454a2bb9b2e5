// The wire protocol version range this build speaks. Each side announces its range in the hello and
// both use the highest version in common; a peer with no overlap is disconnected, never half-understood.
// Raise MAX when a message changes meaning; raise MIN when support for an old version is dropped.

export const PROTOCOL_VERSION_MIN = 1;
export const PROTOCOL_VERSION_MAX = 1;

export interface ProtocolVersionRange {
  readonly min: number;
  readonly max: number;
}

export const supportedProtocolVersions: ProtocolVersionRange = { min: PROTOCOL_VERSION_MIN, max: PROTOCOL_VERSION_MAX };

/** The highest version both ranges contain, or undefined when they do not overlap. */
export function negotiateProtocolVersion(local: ProtocolVersionRange, remote: ProtocolVersionRange): number | undefined {
  const highest = Math.min(local.max, remote.max);
  const lowest = Math.max(local.min, remote.min);
  return highest >= lowest ? highest : undefined;
}
