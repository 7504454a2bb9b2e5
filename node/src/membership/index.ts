export { applyUpdate } from './apply-update';
export { retransmitLimit, type BroadcastEntry, type BroadcastQueue } from './broadcast-queue';
export { isUp, MEMBER_STATES, updateOf, type Member, type MemberMetadata, type MemberState, type MemberUpdate } from './member';
export { membershipProfiles, validateMembershipConfig, type MembershipConfig } from './membership-config';
export type { ChangeCause, MembershipEffect } from './membership-effect';
export type { MembershipEvent } from './membership-event';
export * from './membership-limits';
export { initialMembershipState, type InitialMembershipOptions, type LocalIdentity, type MembershipState, type ProbeRound, type Relay, type Suspicion } from './membership-state';
export { membershipStep, nextDeadlineMs, type MembershipTransition } from './membership-step';
export { isDown, isHealthy, memberSummaries, ringMemberIds, type MemberCauses, type MemberSummary } from './membership-view';
export {
  isMembershipMessageType,
  MEMBERSHIP_MESSAGE_TYPES,
  membershipMessageParsers,
  parseAck,
  parseGossip,
  parseMemberUpdate,
  parseMembershipMessage,
  parseMetadata,
  parseNack,
  parsePing,
  parsePingReq,
  parsePush,
  type AckMessage,
  type GossipMessage,
  type MembershipMessage,
  type MembershipMessageType,
  type NackMessage,
  type PingMessage,
  type PingReqMessage,
  type PushMessage,
} from './messages';
export { expectedConfirmations, suspicionTimeoutMs } from './suspicion-timeout';
export { MembershipService, type MemberChangeCount, type MemberEvent, type RemovalOutcome, type MembershipServiceOptions, type MembershipTransport } from './membership-service';
export { registerMembershipMessages } from './membership-codecs';
