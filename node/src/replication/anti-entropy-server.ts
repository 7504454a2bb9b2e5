// The answering side of anti-entropy: digests and leaf lists out of this node's DigestIndex. It never
// reads the store and never writes: records move through the replica server's handlers.

import type { RpcHandler } from '../transport';
import { SwarmError } from '../errors';
import type { DigestSource, IndexedVersion } from './digest-index';
import {
  antiEntropyDigestRequest,
  antiEntropyKeysRequest,
  type AntiEntropyDigestsMessage,
  type AntiEntropyKeysMessage,
} from './anti-entropy-messages';

/**
 * A keys answer stops once its entries would take about this many bytes of JSON, well inside a peer
 * frame even for the longest keys (escaped, a 1,900-byte key can take six times as many).
 */
export const ANTI_ENTROPY_KEYS_REPLY_BYTES_MAX = 1024 * 1024;
/** JSON around one entry besides its key: the version and the field names. */
const ENTRY_OVERHEAD_BYTES = 64;

export interface AntiEntropyRequestRouter {
  serve(type: string, handler: RpcHandler): void;
}

function wrongBody(type: string): SwarmError {
  return new SwarmError('internal', `a ${type} handler was given another message`);
}

export function serveAntiEntropyRequests(rpc: AntiEntropyRequestRouter, index: DigestSource): void {
  rpc.serve(antiEntropyDigestRequest.type, (_from, body) => {
    if (!antiEntropyDigestRequest.is(body)) throw wrongBody(antiEntropyDigestRequest.type);
    const answer: AntiEntropyDigestsMessage = { type: 'antiEntropyDigests', digests: body.intervals.map((interval) => index.digest(interval)) };
    return answer;
  });
  rpc.serve(antiEntropyKeysRequest.type, (_from, body) => {
    if (!antiEntropyKeysRequest.is(body)) throw wrongBody(antiEntropyKeysRequest.type);
    // One more than asked, to tell the requester whether the interval held more.
    const found = index.versions(body.interval, body.limit + 1);
    const entries: IndexedVersion[] = [];
    let bytes = 0;
    for (const entry of found.slice(0, body.limit)) {
      bytes += Buffer.byteLength(JSON.stringify(entry.key)) + ENTRY_OVERHEAD_BYTES;
      if (bytes > ANTI_ENTROPY_KEYS_REPLY_BYTES_MAX) break;
      entries.push(entry);
    }
    const answer: AntiEntropyKeysMessage = { type: 'antiEntropyKeys', entries, truncated: entries.length < found.length };
    return answer;
  });
}
