// GET /cluster/explain/{key}: where a key lives and what each of its replicas holds right now. Every
// replica is asked for its own store's record (no read repair: explaining changes nothing), and every
// member that can answer is asked for the hints it keeps for the key, so a write a down replica missed
// shows as that replica lacking the version and a hint pending for it elsewhere.

import type { InspectedRecord, KeyInspection } from '../replication';
import { Semaphore } from '../replication';
import { compareVersions } from '../version';
import type { ClusterView, MemberState, MemberView } from './cluster-view';
import { isoTime } from './responses';

/** Members asked at once: a cluster of up to MEMBERS_MAX answers within a few quorum deadlines. */
export const EXPLAIN_INSPECTIONS_IN_FLIGHT_MAX = 32;

export interface ReplicaExplanation {
  readonly nodeId: string;
  readonly name: string;
  readonly httpAddress: string;
  /** `home`: one of the key's N intended replicas; `stand-in`: writes go here while a home replica is down. */
  readonly role: 'home' | 'stand-in';
  readonly state: MemberState;
  /** Whether the member answered just now; when false, version and updatedAt are null (not known). */
  readonly reachable: boolean;
  readonly version: string | null;
  readonly updatedAt: string | null;
  readonly deleted: boolean;
}

export interface KeyExplanation {
  readonly key: string;
  readonly position: string;
  readonly ringDigest: string;
  readonly replicas: ReplicaExplanation[];
  readonly hints: { holderNodeId: string; targetNodeId: string; count: number }[];
  /** Every home replica answered and they all hold the same version (or all hold nothing). */
  readonly agree: boolean;
  /** The newest version any replica or hint holds for the key. */
  readonly newestVersion: string | null;
}

export interface KeyExplainerDeps {
  readonly cluster: ClusterView;
  /** What a member (this node included) holds for the key; rejects when it cannot answer in time. */
  inspect(nodeId: string, key: string): Promise<KeyInspection>;
}

type Answers = ReadonlyMap<string, KeyInspection | undefined>;

function newest(records: readonly (InspectedRecord | undefined)[]): InspectedRecord | undefined {
  let best: InspectedRecord | undefined;
  for (const record of records) if (record !== undefined && (best === undefined || compareVersions(record.version, best.version) > 0)) best = record;
  return best;
}

/** A stand-in serves the newest of its own record and the hints it holds for the key. */
function heldBy(answer: KeyInspection, role: ReplicaExplanation['role']): InspectedRecord | undefined {
  return role === 'home' ? answer.record : newest([answer.record, ...answer.hints]);
}

function replicaOf(member: Pick<MemberView, 'nodeId' | 'name' | 'httpAddress' | 'state'>, role: ReplicaExplanation['role'], answers: Answers): ReplicaExplanation {
  const answer = answers.get(member.nodeId);
  const held = answer === undefined ? undefined : heldBy(answer, role);
  return {
    nodeId: member.nodeId,
    name: member.name,
    httpAddress: member.httpAddress,
    role,
    state: member.state,
    reachable: answer !== undefined,
    version: held?.version ?? null,
    updatedAt: held === undefined ? null : isoTime(held.updatedAtMs),
    deleted: held?.deleted ?? false,
  };
}

export class KeyExplainer {
  readonly #deps: KeyExplainerDeps;

  constructor(deps: KeyExplainerDeps) {
    this.#deps = deps;
  }

  async explain(key: string): Promise<KeyExplanation> {
    const { cluster } = this.#deps;
    const location = cluster.locate(key);
    const members = cluster.members();
    const byId = new Map(members.map((member) => [member.nodeId, member]));
    const standIns = location.targets.filter((target) => target.standInFor !== null).map((target) => target.nodeId);
    const asked = new Set([...location.replicas.map((replica) => replica.nodeId), ...standIns]);
    for (const member of members) if (member.state === 'alive' || member.state === 'suspect') asked.add(member.nodeId);
    const answers = await this.#ask([...asked], key);

    const homes = location.replicas.map((replica) => replicaOf(replica, 'home', answers));
    const unknown = (nodeId: string) => ({ nodeId, name: nodeId, httpAddress: '', state: 'dead' as const });
    const stands = standIns.map((nodeId) => replicaOf(byId.get(nodeId) ?? unknown(nodeId), 'stand-in', answers));
    const hints = [...answers].flatMap(([holder, answer]) => hintCounts(holder, answer));
    const held = [...answers.values()].flatMap((answer) => (answer === undefined ? [] : [answer.record, ...answer.hints]));
    const agree = homes.every((home) => home.reachable && home.version === homes[0]!.version);
    const self = members.find((member) => member.self);
    return {
      key,
      position: location.position,
      ringDigest: self?.ringDigest ?? cluster.ring().digest,
      replicas: [...homes, ...stands],
      hints,
      agree,
      newestVersion: newest(held)?.version ?? null,
    };
  }

  /** Each member's answer, or undefined for one that could not answer. */
  async #ask(nodeIds: string[], key: string): Promise<Answers> {
    const slots = new Semaphore(EXPLAIN_INSPECTIONS_IN_FLIGHT_MAX);
    const answers = await Promise.all(nodeIds.map((nodeId) => slots.run(() => this.#deps.inspect(nodeId, key).catch(() => undefined))));
    return new Map(nodeIds.map((nodeId, index) => [nodeId, answers[index]]));
  }
}

function hintCounts(holderNodeId: string, answer: KeyInspection | undefined): KeyExplanation['hints'] {
  if (answer === undefined) return [];
  const byTarget = new Map<string, number>();
  for (const hint of answer.hints) byTarget.set(hint.target, (byTarget.get(hint.target) ?? 0) + 1);
  return [...byTarget].map(([targetNodeId, count]) => ({ holderNodeId, targetNodeId, count }));
}
