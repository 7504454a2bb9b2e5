// What the driver feeds the membership state machine.

import type { MemberMetadata } from './member';
import type { MembershipMessage } from './messages';

export type MembershipEvent =
  /**
   * Time passed: the machine does whatever fell due by `now` (a probe round, an indirect probe, a
   * suspicion expiring, a push). The driver ticks at `nextDeadlineMs(state)`, so there are no separate
   * timeout events: probe, ping-req and suspicion timeouts are deadlines held in the state.
   */
  | { readonly type: 'tick' }
  /** A validated membership message from an authenticated peer. */
  | { readonly type: 'message'; readonly from: string; readonly message: MembershipMessage }
  /** The transport authenticated a connection to this peer: tables are exchanged. */
  | { readonly type: 'peerConnected'; readonly nodeId: string }
  /** The transport lost its connection to this peer: a hint to probe it soon, not a verdict. */
  | { readonly type: 'peerDisconnected'; readonly nodeId: string }
  /** This node is shutting down cleanly: it announces `left` and stops probing. */
  | { readonly type: 'leave' }
  /** An operator removes a member that is down for good: it leaves the ring on every node, for good. */
  | { readonly type: 'remove'; readonly nodeId: string }
  /**
   * This node's own metadata changed; it rides on the next pings and acks it sends. `announce`: news
   * peers should not wait a probe round for (its rings moved), sent at once to every reachable member.
   */
  | { readonly type: 'setMetadata'; readonly metadata: MemberMetadata; readonly announce?: boolean };
