// The cluster's range transfers in one list. Each node reports only the transfers into it (it is the
// receiving side: GET /cluster/rebalance), so the dashboard asks every member and merges their
// answers: every transfer tagged with the node that reported it, in progress and queued in the order
// the nodes gave, finished newest first across the cluster, and per node what it answered or why not.
import type { Failed } from './answer';
import type { MemberView, RebalanceView, TransferView } from './api-types';
import type { Observations } from './observations';
import { originOf } from './reading-node';

export const REBALANCE_PATH = '/cluster/rebalance';
/** Finished transfers listed, newest first across the cluster (each node keeps its own last 32). */
export const FINISHED_SHOWN_MAX = 12;

export interface ReportedTransfer extends TransferView {
  /** The node whose /cluster/rebalance listed it: the receiving side. */
  readonly reportedBy: string;
}

export interface NodeRebalance {
  readonly member: MemberView;
  /** Its latest answer: its status, a failure, or undefined while the first request is pending. */
  readonly status: RebalanceView | Failed | undefined;
}

export interface MergedRebalance {
  readonly nodes: readonly NodeRebalance[];
  readonly inProgress: readonly ReportedTransfer[];
  readonly queued: readonly ReportedTransfer[];
  readonly finished: readonly ReportedTransfer[];
  /** Finished transfers the nodes reported beyond the ones listed. */
  readonly finishedNotShown: number;
}

const tagged = (reportedBy: string, transfers: readonly TransferView[]): ReportedTransfer[] => transfers.map((transfer) => ({ ...transfer, reportedBy }));

/** An ISO time as milliseconds; a transfer without one sorts last. */
const timeOf = (iso: string | null): number => (iso === null ? 0 : Date.parse(iso));

export function mergeRebalance(observations: Observations, members: readonly MemberView[]): MergedRebalance {
  const nodes: NodeRebalance[] = [];
  const inProgress: ReportedTransfer[] = [];
  const queued: ReportedTransfer[] = [];
  const finished: ReportedTransfer[] = [];
  for (const member of [...members].sort((a, b) => a.name.localeCompare(b.name))) {
    const answer = observations.latest<RebalanceView>(originOf(member.httpAddress), REBALANCE_PATH);
    nodes.push({ member, status: answer === undefined ? undefined : answer.ok ? answer.body : answer });
    if (!answer?.ok) continue;
    inProgress.push(...tagged(answer.body.nodeId, answer.body.inProgress));
    queued.push(...tagged(answer.body.nodeId, answer.body.queued));
    finished.push(...tagged(answer.body.nodeId, answer.body.finished));
  }
  finished.sort((a, b) => timeOf(b.finishedAt) - timeOf(a.finishedAt));
  return { nodes, inProgress, queued, finished: finished.slice(0, FINISHED_SHOWN_MAX), finishedNotShown: Math.max(0, finished.length - FINISHED_SHOWN_MAX) };
}

/** Whether a node's entry is a reply (not a failure or a pending request). */
export function isReply(status: NodeRebalance['status']): status is RebalanceView {
  return status !== undefined && !('ok' in status);
}
