// A member as this node sees it, and the update that carries a member's state between nodes.

/**
 * `removed`: an operator declared a dead member gone for good (`swarmkv remove`). Unlike `dead` it
 * leaves the ring, and unlike `left` it is final: no later alive brings the member back, so a removed
 * node restarted on its old data directory cannot re-enter with stale data under its old id.
 */
export type MemberState = 'alive' | 'suspect' | 'dead' | 'left' | 'removed';
export const MEMBER_STATES: readonly MemberState[] = ['alive', 'suspect', 'dead', 'left', 'removed'];

/** What a member reports about itself (its key count, say): flat, small, validated on receipt. */
export type MemberMetadata = Readonly<Record<string, string | number | boolean>>;

export interface Member {
  /** 16 lowercase hex digits, stable across the node's restarts. */
  readonly nodeId: string;
  readonly name: string;
  /** host:port where the member serves HTTP. */
  readonly httpAddress: string;
  readonly state: MemberState;
  /**
   * Only the member itself raises its incarnation: to refute a suspicion, or on restart. An update
   * about a member is judged against the incarnation it names, so news from an older life loses.
   */
  readonly incarnation: number;
  /**
   * When this node last had first-hand evidence that the member was up (an ack, a message from it), or
   * first learned of it.
   */
  readonly lastHeardAtMs: number;
  readonly stateChangedAtMs: number;
  readonly metadata: MemberMetadata;
}

/** One member's state as gossiped: piggybacked on pings and acks, or pushed as part of a table. */
export interface MemberUpdate {
  readonly nodeId: string;
  readonly name: string;
  readonly httpAddress: string;
  readonly state: MemberState;
  readonly incarnation: number;
  /** The node that first said so: the member itself for alive and left, the accuser for suspect and dead, the remover for removed. */
  readonly from: string;
}

export function updateOf(member: Member, from: string): MemberUpdate {
  const { nodeId, name, httpAddress, state, incarnation } = member;
  return { nodeId, name, httpAddress, state, incarnation, from };
}

/** Down members are not probed, do not relay and hold no data: only alive and suspect ones count. */
export function isUp(member: Member): boolean {
  return member.state === 'alive' || member.state === 'suspect';
}
