// Read-only questions the rest of the node asks of a membership state.

import type { Member, MemberMetadata, MemberState } from './member';
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
  /** Whether the transport has a connection to it now. */
  readonly connected: boolean;
  readonly self: boolean;
}

/** Every known member, this node included, ordered by name then node id. */
export function memberSummaries(state: MembershipState, nowMs: number): MemberSummary[] {
  return [...state.members.values()]
    .sort((a, b) => (a.name === b.name ? compareText(a.nodeId, b.nodeId) : compareText(a.name, b.name)))
    .map((member) => summarise(state, member, nowMs));
}

function summarise(state: MembershipState, member: Member, nowMs: number): MemberSummary {
  const self = member.nodeId === state.selfId;
  const { nodeId, name, httpAddress, incarnation, metadata } = member;
  return { nodeId, name, httpAddress, state: member.state, incarnation, heartbeatAgeMs: self ? 0 : Math.max(0, nowMs - member.lastHeardAtMs), metadata, connected: self || state.connections.has(nodeId), self };
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
