// Fixed bounds of the membership protocol, unit last in each name. Timings are configurable (see
// membership-config.ts); these are not: they bound what a peer may send us and what we keep.

/** Members this node tracks, itself included; alive updates about further strangers are ignored. */
export const MEMBERS_MAX = 256;
/** Member updates piggybacked on one ping, ack or ping-req (memberlist fills a UDP packet instead). */
export const PIGGYBACK_UPDATES_MAX = 16;
/** Member updates in one push message; a full table goes out as several pushes. */
export const PUSH_UPDATES_MAX = 64;
/** Ping-reqs this node relays at once for others; further ones are answered with an immediate nack. */
export const RELAYS_MAX = 64;
/** Members asked to probe a target indirectly; the config's indirectProbeCount is checked against it. */
export const INDIRECT_PROBES_MAX = 8;

/**
 * Incarnations start at the wall clock in milliseconds, so one implausibly far ahead of ours is a bug
 * or a lie: updates beyond `now + INCARNATION_AHEAD_MS_MAX` are ignored. A day tolerates any clock skew
 * a cluster could otherwise survive. INCARNATION_MAX (2^48, year 10889 in ms) bounds the wire format.
 */
export const INCARNATION_AHEAD_MS_MAX = 24 * 60 * 60 * 1000;
export const INCARNATION_MAX = 2 ** 48;
/** Probe sequence numbers wrap back to 1 past this. */
export const SEQUENCE_MAX = 2 ** 31 - 1;

/** The same bounds the wire's hello message puts on a node's name and HTTP address (wire/core-messages.ts). */
export const MEMBER_NAME_CHARS_MAX = 64;
export const HTTP_ADDRESS_CHARS_MAX = 300;
/** The metadata bag a member reports about itself (key count and the like). */
export const METADATA_ENTRIES_MAX = 16;
export const METADATA_KEY_CHARS_MAX = 64;
export const METADATA_VALUE_CHARS_MAX = 256;
