// What the membership state machine asks its driver to do, or tells it happened.

import type { Member, MemberState } from './member';
import type { MembershipMessage } from './messages';

/**
 * Why a member turned suspect or dead, or this node refuted: what the log says, so that SWIM's steps
 * can be followed from the outside. Absent for the changes that explain themselves (a member joining,
 * alive at a higher incarnation, leaving).
 */
export type ChangeCause =
  /** This node's probe failed: no ack to its ping, nor through the members it asked to ping the target (none: nobody to ask); `nacks` of them answered that they could not reach it either. */
  | { readonly by: 'probe'; readonly helpers: readonly string[]; readonly nacks: number }
  /** This node's suspicion ran out with no refutation, after `suspectMs`, with `accusers` accusers (itself included). */
  | { readonly by: 'timeout'; readonly suspectMs: number; readonly accusers: number }
  /** Another member's verdict, spread by gossip: `accuser` said so first. */
  | { readonly by: 'gossip'; readonly accuser: string }
  /** This node heard itself `heard` (suspect, dead, left) from `accuser`, and answered alive at a higher incarnation. */
  | { readonly by: 'refutation'; readonly heard: MemberState; readonly accuser: string };

export type MembershipEffect =
  /** Send a message to a peer over the transport; best-effort, a lost one is the protocol's problem. */
  | { readonly type: 'send'; readonly to: string; readonly message: MembershipMessage }
  /** A member appeared or changed state (or this node refuted a suspicion): for logs, events, the ring. */
  | { readonly type: 'memberChanged'; readonly member: Member; readonly previousState: MemberState | undefined; readonly previousIncarnation: number | undefined; readonly cause?: ChangeCause }
  /** A departed member was forgotten after the retention period. */
  | { readonly type: 'memberRemoved'; readonly nodeId: string }
  /** This node heard that it was removed from its cluster (by `from`): it must stop, not argue. */
  | { readonly type: 'removedFromCluster'; readonly from: string }
  /** A member reported metadata that differs from what it reported before (its ring ownership, say). */
  | { readonly type: 'metadataChanged'; readonly nodeId: string };
