// The wire protocol version range this build speaks. Each side announces its range in the hello and
// both use the highest version in common; a peer with no overlap is disconnected, never half-understood.
// Raise MAX when a message changes meaning; raise MIN when support for an old version is dropped.

//
//   1  every frame is a type code and a JSON body
//   2  adds binary (compact-encoding) envelopes for requests and responses whose body has a binary
//      layout: the hot replica reads and writes (compact-envelope.ts). Sent only to a peer that
//      negotiated 2; a version-1 peer still gets JSON, and either is decoded from anyone.

export const PROTOCOL_VERSION_MIN = 1;
export const PROTOCOL_VERSION_MAX = 2;
/** The first version whose peers read compact envelopes. */
export const COMPACT_ENVELOPE_PROTOCOL_VERSION = 2;

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
