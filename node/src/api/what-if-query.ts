// The question GET /cluster/ring/what-if asks: `add=N` hypothetical nodes, and/or `remove=NODE`
// (repeatable; a node id or a member name). Read from the raw query so a repeated `add` is refused
// rather than one copy winning; members are resolved against the ring the node routes by.

import { SwarmError } from '../errors';
import { WHAT_IF_NODES_ADDED_MAX, WHAT_IF_NODES_REMOVED_MAX } from '../limits';
import { integerQueryValue } from './query';

/** A `remove` value longer than this names no member (ids are 16 hex digits; names are short). */
const MEMBER_REFERENCE_CHARS_MAX = 256;
const KNOWN_PARAMETERS: ReadonlySet<string> = new Set(['add', 'remove']);

export interface WhatIfQuery {
  readonly add: number;
  /** As given: node ids or member names, resolved by `resolveRemovals`. */
  readonly remove: readonly string[];
}

export function parseWhatIfQuery(query: URLSearchParams | undefined): WhatIfQuery {
  for (const name of query?.keys() ?? []) {
    if (!KNOWN_PARAMETERS.has(name)) throw new SwarmError('invalid_query', `unknown parameter ${JSON.stringify(name.slice(0, 64))}: ask add=N and/or remove=NODE`);
  }
  const add = integerQueryValue(query, 'add', { min: 0, max: WHAT_IF_NODES_ADDED_MAX, fallback: 0 });
  const remove = query?.getAll('remove') ?? [];
  if (remove.length > WHAT_IF_NODES_REMOVED_MAX) throw new SwarmError('invalid_query', `give remove at most ${WHAT_IF_NODES_REMOVED_MAX} times`);
  for (const reference of remove) {
    if (reference.length === 0 || reference.length > MEMBER_REFERENCE_CHARS_MAX) {
      throw new SwarmError('invalid_query', `remove names a member by node id or name (1..${MEMBER_REFERENCE_CHARS_MAX} characters)`);
    }
  }
  if (new Set(remove).size !== remove.length) throw new SwarmError('invalid_query', 'each member is removed at most once');
  if (add === 0 && remove.length === 0) throw new SwarmError('invalid_query', 'ask what would change: add=N (1..' + WHAT_IF_NODES_ADDED_MAX + ') and/or remove=NODE');
  return { add, remove };
}

/** The node ids `remove` names, each a member of the ring; refuses a removal that would empty it. */
export function resolveRemovals(remove: readonly string[], ringMembers: readonly string[], names: ReadonlyMap<string, string>): string[] {
  const byName = new Map<string, string>();
  for (const nodeId of ringMembers) {
    const name = names.get(nodeId);
    if (name !== undefined) byName.set(name, nodeId);
  }
  const resolved = remove.map((reference) => {
    const nodeId = ringMembers.includes(reference) ? reference : byName.get(reference);
    if (nodeId === undefined) throw new SwarmError('invalid_query', `${JSON.stringify(reference)} is not a member of this node's ring (give a node id or name from GET /cluster/ring)`);
    return nodeId;
  });
  if (new Set(resolved).size !== resolved.length) throw new SwarmError('invalid_query', 'each member is removed at most once');
  if (resolved.length >= ringMembers.length) throw new SwarmError('invalid_query', 'removing every member leaves no ring to place keys on');
  return resolved;
}
