// Which members a partition or heal request names: each entry is a node id or a name, of a current
// member or of a peer partitioned already (a partitioned peer may have been declared dead meanwhile).

import { SwarmError } from '../errors';
import type { ChaosPeer } from './chaos-types';

/** The members as the chaos routes see them: node id and name. */
export type KnownPeer = ChaosPeer;

/** The peers `requested` names, in order; 400 unknown_peer naming the ones nobody answers to, invalid_body for this node itself. */
export function resolvePeers(requested: readonly string[], self: ChaosPeer, known: readonly KnownPeer[]): ChaosPeer[] {
  const unknown: string[] = [];
  const resolved = new Map<string, ChaosPeer>();
  for (const entry of requested) {
    if (entry === self.nodeId || entry === self.name) throw new SwarmError('invalid_body', `"peers" names this node itself (${self.name}): a node cannot be partitioned from itself`, { field: 'peers' });
    const peer = known.find((candidate) => candidate.nodeId === entry) ?? known.find((candidate) => candidate.name === entry);
    if (peer === undefined) unknown.push(entry);
    else resolved.set(peer.nodeId, { nodeId: peer.nodeId, name: peer.name });
  }
  if (unknown.length > 0) throw new SwarmError('unknown_peer', `no member is called ${unknown.map((entry) => `"${entry}"`).join(', ')} (give node ids or names of current members)`, { peers: unknown });
  return [...resolved.values()];
}
