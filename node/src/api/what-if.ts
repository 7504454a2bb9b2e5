// What a ring change would move, predicted from the ring this node routes by: the share of the key
// space whose replica set would change (exact, for the ids used), the keys and bytes each member would
// send and receive (from the key counts members gossip), and the time at the measured transfer rate.
//
// Added nodes do not exist yet, so they get placeholder ids; a real node's id puts its tokens
// elsewhere, and the share it takes varies with it. The reply therefore also gives the mean and the
// standard deviation of the share over WHAT_IF_ID_SAMPLES draws of random ids: the mean is the
// prediction to compare with a real join, the deviation how far one join may stray from it.

import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { WHAT_IF_ID_SAMPLES } from '../limits';
import { placeholderNodeIds, ringChange, shareOf, type ChangedSegment, type HashRing } from '../ring';
import type { MemberView } from './cluster-view';
import type { TransferRate } from './transfer-rate';

/** What the prediction reads from the node: its ring and what members reported. */
export interface WhatIfModel {
  readonly ring: HashRing;
  /** The configured replication factor (N before capping by the ring's size). */
  readonly replicationFactor: number;
  readonly members: readonly MemberView[];
  /** This node's store bytes per record, standing in for every member's. */
  readonly bytesPerKey: number;
  readonly rate: TransferRate;
}

export interface WhatIfNodeFlow {
  readonly nodeId: string;
  readonly name: string;
  /** Whether the node exists only in this question. */
  readonly placeholder: boolean;
  readonly keysSent: number;
  readonly keysReceived: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Copies it would no longer own (deleted by clean-up once the new owners hold them). */
  readonly keysReleased: number;
}

export interface WhatIfReply {
  readonly ringDigest: string;
  readonly before: { readonly members: number; readonly replicationFactor: number };
  readonly after: { readonly members: number; readonly replicationFactor: number };
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Fraction of the key space whose replica set changes, with the placeholder ids. */
  readonly share: number;
  /** Mean and standard deviation of that share over random ids for the added nodes (= share, 0 when none added). */
  readonly expectedShare: number;
  readonly shareStdDev: number;
  readonly idSamples: number;
  readonly keys: { readonly total: number; readonly changing: number; readonly copiesMoved: number; readonly withoutSource: number; readonly reportedBy: number };
  readonly bytesPerKey: number;
  readonly nodes: readonly WhatIfNodeFlow[];
  readonly rate: TransferRate;
  /** The busiest node's larger of keys sent and received, over the rate. */
  readonly estimatedSeconds: number;
  readonly notes: readonly string[];
}

/** The ring after the change; n capped by its size, as placement caps it. */
function changedRing(model: WhatIfModel, added: readonly string[], removed: readonly string[]): { ring: HashRing; n: number } {
  const ring = model.ring.withChange(added, removed);
  return { ring, n: Math.min(model.replicationFactor, ring.size) };
}

/** Distinct keys per unit of key space: reported key counts over the replica shares of those members. */
function keyDensity(model: WhatIfModel, n: number): { density: number; reportedBy: number } {
  const replicaShare = new Map<string, number>();
  for (const range of model.ring.ranges(n)) for (const nodeId of range.replicas) replicaShare.set(nodeId, (replicaShare.get(nodeId) ?? 0) + shareOf(range.start, range.end));
  let keys = 0;
  let share = 0;
  let reportedBy = 0;
  for (const member of model.members) {
    const memberShare = replicaShare.get(member.nodeId);
    if (member.keyCount === null || memberShare === undefined) continue;
    keys += member.keyCount;
    share += memberShare;
    reportedBy += 1;
  }
  return { density: share === 0 ? 0 : keys / share, reportedBy };
}

/**
 * The share over random ids for the added nodes. Each draw builds a ring (~20 ms at 20 members on a
 * loaded machine), so the draws yield to the event loop in between: requests are not held up for more
 * than one draw.
 */
async function spreadOf(model: WhatIfModel, nBefore: number, count: number, removed: readonly string[]): Promise<{ mean: number; stdDev: number }> {
  const shares: number[] = [];
  for (let sample = 0; sample < WHAT_IF_ID_SAMPLES; sample++) {
    await nextTurn();
    const ids = Array.from({ length: count }, () => randomBytes(8).toString('hex'));
    const after = changedRing(model, ids, removed);
    shares.push(ringChange(model.ring, nBefore, after.ring, after.n).shareChanged);
  }
  const mean = shares.reduce((sum, share) => sum + share, 0) / shares.length;
  const variance = shares.reduce((sum, share) => sum + (share - mean) ** 2, 0) / Math.max(1, shares.length - 1);
  return { mean, stdDev: Math.sqrt(variance) };
}

interface Flows {
  readonly sent: Map<string, number>;
  readonly received: Map<string, number>;
  readonly released: Map<string, number>;
  withoutSource: number;
}

/**
 * Who streams a segment to its new owners: a live member that is leaving sends its own ranges (as
 * `swarmkv leave` does); otherwise (a dead member removed, or a join) the first current replica that
 * stays and is alive, in preference order.
 */
function sourceOf(before: readonly string[], removed: readonly string[], isAlive: (nodeId: string) => boolean): string | undefined {
  return before.find((nodeId) => removed.includes(nodeId) && isAlive(nodeId)) ?? before.find((nodeId) => !removed.includes(nodeId) && isAlive(nodeId));
}

function flowsOf(segments: readonly ChangedSegment[], density: number, removed: readonly string[], isAlive: (nodeId: string) => boolean): Flows {
  const flows: Flows = { sent: new Map(), received: new Map(), released: new Map(), withoutSource: 0 };
  const add = (map: Map<string, number>, nodeId: string, keys: number) => map.set(nodeId, (map.get(nodeId) ?? 0) + keys);
  for (const segment of segments) {
    const keys = density * segment.share;
    const source = sourceOf(segment.before, removed, isAlive);
    for (const nodeId of segment.after.filter((id) => !segment.before.includes(id))) {
      add(flows.received, nodeId, keys);
      if (source === undefined) flows.withoutSource += keys;
      else add(flows.sent, source, keys);
    }
    for (const nodeId of segment.before.filter((id) => !segment.after.includes(id))) add(flows.released, nodeId, keys);
  }
  return flows;
}

const rounded = (value: number, digits = 6) => Number(value.toFixed(digits));

export async function predictWhatIf(model: WhatIfModel, add: number, removed: readonly string[]): Promise<WhatIfReply> {
  const nBefore = Math.min(model.replicationFactor, model.ring.size);
  const memberIds = model.ring.members.map((member) => member.nodeId);
  const added = placeholderNodeIds(add, model.ring.digest, new Set(memberIds));
  const after = changedRing(model, added, removed);
  const change = ringChange(model.ring, nBefore, after.ring, after.n);
  const spread = add === 0 ? { mean: change.shareChanged, stdDev: 0 } : await spreadOf(model, nBefore, add, removed);
  const { density, reportedBy } = keyDensity(model, nBefore);
  const byId = new Map(model.members.map((member) => [member.nodeId, member]));
  const flows = flowsOf(change.segments, density, removed, (nodeId) => byId.get(nodeId)?.state === 'alive');
  const nodes = [...memberIds, ...added].map((nodeId): WhatIfNodeFlow => {
    const [sent, received] = [flows.sent.get(nodeId) ?? 0, flows.received.get(nodeId) ?? 0];
    const placeholder = added.includes(nodeId);
    const name = placeholder ? `what-if-${added.indexOf(nodeId) + 1}` : (byId.get(nodeId)?.name ?? nodeId);
    const bytes = (keys: number) => Math.round(keys * model.bytesPerKey);
    return { nodeId, name, placeholder, keysSent: Math.round(sent), keysReceived: Math.round(received), bytesSent: bytes(sent), bytesReceived: bytes(received), keysReleased: Math.round(flows.released.get(nodeId) ?? 0) };
  });
  const busiest = Math.max(0, ...nodes.map((node) => Math.max(node.keysSent, node.keysReceived)));
  const copiesMoved = nodes.reduce((sum, node) => sum + node.keysReceived, 0);
  return {
    ringDigest: model.ring.digest,
    before: { members: model.ring.size, replicationFactor: nBefore },
    after: { members: after.ring.size, replicationFactor: after.n },
    added,
    removed,
    share: rounded(change.shareChanged),
    expectedShare: rounded(spread.mean),
    shareStdDev: rounded(spread.stdDev),
    idSamples: add === 0 ? 0 : WHAT_IF_ID_SAMPLES,
    keys: { total: Math.round(density), changing: Math.round(density * change.shareChanged), copiesMoved, withoutSource: Math.round(flows.withoutSource), reportedBy },
    bytesPerKey: rounded(model.bytesPerKey, 1),
    nodes,
    rate: model.rate,
    estimatedSeconds: rounded(busiest / model.rate.keysPerSecond, 3),
    notes: notesOf(add, reportedBy, model),
  };
}

function notesOf(add: number, reportedBy: number, model: WhatIfModel): string[] {
  const notes: string[] = [];
  if (add > 0) notes.push('added nodes have deterministic placeholder ids; a real node id places its tokens elsewhere, so expect the share within about expectedShare ± 2 × shareStdDev');
  notes.push(`keys estimated from the live key counts ${reportedBy} of ${model.ring.size} members gossiped, assuming keys spread evenly over the key space; bytes from this node's store bytes per record`);
  notes.push(model.rate.source === 'measured' ? 'time at the streaming rate measured on this node (swarmkv_rebalance_keys_streamed_total while it rose)' : 'no transfer measured on this node yet: time at the default rate (WHAT_IF_TRANSFER_KEYS_PER_SECOND_DEFAULT), an assumption');
  return notes;
}
