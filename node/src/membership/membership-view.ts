// Read-only questions the rest of the node asks of a membership state.

import type { Member, MemberMetadata, MemberState } from './member';
import type { ChangeCause } from './membership-effect';
import type { MembershipState } from './membership-state';

export interface MemberSummary {
  readonly nodeId: string;
  readonly name: string;
  readonly httpAddress: string;
  readonly state: MemberState;
  readonly incarnation: number;
  /** Milliseconds since this node last had first-hand evidence the member was up; 0 for itself. */
  readonly heartbeatAgeMs: number;
  readonly metadata: MemberMetadata;
  /** Milliseconds since this node saw the member's state (or incarnation) last change. */
  readonly stateAgeMs: number;
  /** Why the member is in its state, when this node knows (see ChangeCause); null for changes that explain themselves. */
  readonly cause: ChangeCause | null;
  /** For a member dead because its suspicion ran out (`cause.by` is `timeout`): why it was suspected; else null. */
  readonly suspicionCause: ChangeCause | null;
  /** Whether the transport has a connection to it now. */
  readonly connected: boolean;
  readonly self: boolean;
}

/** Why members are in their states, by node id, as the driver remembers it from the changes' effects. */
export interface MemberCauses {
  readonly causes: ReadonlyMap<string, ChangeCause>;
  readonly suspicionCauses: ReadonlyMap<string, ChangeCause>;
}

const NO_CAUSES: MemberCauses = { causes: new Map(), suspicionCauses: new Map() };

/** Every known member, this node included, ordered by name then node id. */
export function memberSummaries(state: MembershipState, nowMs: number, causes: MemberCauses = NO_CAUSES): MemberSummary[] {
  return [...state.members.values()]
    .sort((a, b) => (a.name === b.name ? compareText(a.nodeId, b.nodeId) : compareText(a.name, b.name)))
    .map((member) => summarise(state, member, nowMs, causes));
}

function summarise(state: MembershipState, member: Member, nowMs: number, causes: MemberCauses): MemberSummary {
  const self = member.nodeId === state.selfId;
  const { nodeId, name, httpAddress, incarnation, metadata } = member;
  const heartbeatAgeMs = self ? 0 : Math.max(0, nowMs - member.lastHeardAtMs);
  const why = { cause: causes.causes.get(nodeId) ?? null, suspicionCause: causes.suspicionCauses.get(nodeId) ?? null };
  return { nodeId, name, httpAddress, state: member.state, incarnation, heartbeatAgeMs, metadata, stateAgeMs: Math.max(0, nowMs - member.stateChangedAtMs), ...why, connected: self || state.connections.has(nodeId), self };
}

/** Whether writes may go to this member now: only alive ones (a suspect gets a stand-in). */
export function isHealthy(state: MembershipState, nodeId: string): boolean {
  return state.members.get(nodeId)?.state === 'alive';
}

/** Whether the member is believed gone (dead or left): requests to it fail at once instead of waiting. */
export function isDown(state: MembershipState, nodeId: string): boolean {
  const member = state.members.get(nodeId);
  return member !== undefined && (member.state === 'dead' || member.state === 'left' || member.state === 'removed');
}

/**
 * The members the hash ring is built from: all but those that left or were removed. A dead member
 * keeps its ranges, covered by stand-ins (Dynamo treats failures as transient), until an operator
 * removes it: only an explicit act changes ownership. A member that left cleanly handed its ranges over.
 */
export function ringMemberIds(state: MembershipState): string[] {
  return [...state.members.values()].filter((member) => member.state !== 'left' && member.state !== 'removed').map((member) => member.nodeId).sort(compareText);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
