// A short fingerprint of a ring's inputs. Token positions follow from (node id, token count) alone, so
// two nodes whose digests match have identical rings; nodes gossip the digest to check they converged.

import { createHash } from 'node:crypto';

export const RING_DIGEST_HEX_DIGITS = 16;

export function ringDigest(members: readonly { readonly nodeId: string; readonly tokens: number }[]): string {
  const lines = members.map((member) => `${member.nodeId}:${member.tokens}\n`).sort();
  return createHash('sha256').update(lines.join('')).digest('hex').slice(0, RING_DIGEST_HEX_DIGITS);
}
