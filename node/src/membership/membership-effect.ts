// What the membership state machine asks its driver to do, or tells it happened.

import type { Member, MemberState } from './member';
import type { MembershipMessage } from './messages';

export type MembershipEffect =
  /** Send a message to a peer over the transport; best-effort, a lost one is the protocol's problem. */
  | { readonly type: 'send'; readonly to: string; readonly message: MembershipMessage }
  /** A member appeared or changed state (or this node refuted a suspicion): for logs, events, the ring. */
  | { readonly type: 'memberChanged'; readonly member: Member; readonly previousState: MemberState | undefined; readonly previousIncarnation: number | undefined }
  /** A departed member was forgotten after the retention period. */
  | { readonly type: 'memberRemoved'; readonly nodeId: string }
  /** This node heard that it was removed from its cluster (by `from`): it must stop, not argue. */
  | { readonly type: 'removedFromCluster'; readonly from: string }
  /** A member reported metadata that differs from what it reported before (its ring ownership, say). */
  | { readonly type: 'metadataChanged'; readonly nodeId: string };
