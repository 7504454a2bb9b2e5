// The explanation assembled from what each member answers: roles, versions, hints, agreement.

import { describe, expect, test } from 'bun:test';
import { SwarmError } from '../errors';
import type { KeyInspection } from '../replication';
import type { ClusterView, MemberView } from './cluster-view';
import { KeyExplainer } from './key-explainer';

const V1 = '019ab3f4c2d1.0000.aaaaaaaaaaaaaaaa';
const V2 = '019ab3f4c2d2.0000.aaaaaaaaaaaaaaaa';
const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const C = 'cccccccccccccccc';

function member(nodeId: string, name: string, state: MemberView['state'], self = false): MemberView {
  return { nodeId, name, httpAddress: `10.0.0.${name.slice(1)}:7070`, state, stateAgeMs: 0, why: null, incarnation: 1, heartbeatAgeMs: 0, keyCount: 0, ringDigest: 'digest', clockOffsetMs: null, answerMs: null, askedLast: false, self };
}

/** Three members; the key's home replicas are A and B; C stands in for B when B is down. */
function clusterWith(bState: MemberView['state']): ClusterView {
  const members = [member(A, 'n1', 'alive', true), member(B, 'n2', bState), member(C, 'n3', 'alive')];
  const byId = new Map(members.map((entry) => [entry.nodeId, entry]));
  const down = bState === 'dead';
  return {
    members: () => members,
    memberAddresses: () => members.map((entry) => entry.httpAddress),
    clock: () => null,
    ring: () => ({ digest: 'digest', replicationFactor: 2, tokensPerNode: 1, members: [A, B, C], ranges: [], jointRings: [] }),
    ringModel: () => undefined,
    memberChanges: () => [],
    locate: (key) => ({
      key,
      position: '00000000000000ff',
      replicas: [A, B].map((nodeId) => ({ ...byId.get(nodeId)!, state: byId.get(nodeId)!.state })),
      targets: down ? [{ nodeId: A, standInFor: null }, { nodeId: C, standInFor: B }] : [{ nodeId: A, standInFor: null }, { nodeId: B, standInFor: null }],
    }),
  };
}

function inspections(answers: Record<string, KeyInspection | 'unreachable'>) {
  return async (nodeId: string): Promise<KeyInspection> => {
    const answer = answers[nodeId];
    if (answer === undefined || answer === 'unreachable') throw new SwarmError('unavailable', `${nodeId} is down`);
    return answer;
  };
}

describe('KeyExplainer', () => {
  test('a replica down: it is unreachable with no version, its stand-in holds the write as a hint, the replicas disagree', async () => {
    const explainer = new KeyExplainer({
      cluster: clusterWith('dead'),
      inspect: inspections({
        [A]: { record: { version: V2, updatedAtMs: 2, deleted: false }, hints: [] },
        [B]: 'unreachable',
        [C]: { record: undefined, hints: [{ target: B, version: V2, updatedAtMs: 2, deleted: false }] },
      }),
    });
    const explanation = await explainer.explain('k');
    expect(explanation).toMatchObject({ key: 'k', position: '00000000000000ff', ringDigest: 'digest', agree: false, newestVersion: V2 });
    expect(explanation.replicas.map(({ nodeId, role, state, reachable, version }) => ({ nodeId, role, state, reachable, version }))).toEqual([
      { nodeId: A, role: 'home', state: 'alive', reachable: true, version: V2 },
      { nodeId: B, role: 'home', state: 'dead', reachable: false, version: null },
      { nodeId: C, role: 'stand-in', state: 'alive', reachable: true, version: V2 },
    ]);
    expect(explanation.replicas[0]!.updatedAt).toBe(new Date(2).toISOString());
    expect(explanation.hints).toEqual([{ holderNodeId: C, targetNodeId: B, count: 1 }]);
  });

  test('every home replica on one version agrees, even with an older hint still pending elsewhere', async () => {
    const explainer = new KeyExplainer({
      cluster: clusterWith('alive'),
      inspect: inspections({
        [A]: { record: { version: V2, updatedAtMs: 2, deleted: true }, hints: [] },
        [B]: { record: { version: V2, updatedAtMs: 2, deleted: true }, hints: [] },
        [C]: { record: undefined, hints: [{ target: B, version: V1, updatedAtMs: 1, deleted: false }] },
      }),
    });
    const explanation = await explainer.explain('k');
    expect(explanation.replicas.map((replica) => [replica.role, replica.version, replica.deleted])).toEqual([
      ['home', V2, true],
      ['home', V2, true],
    ]);
    expect({ agree: explanation.agree, newest: explanation.newestVersion, hints: explanation.hints }).toEqual({ agree: true, newest: V2, hints: [{ holderNodeId: C, targetNodeId: B, count: 1 }] });
  });

  test('home replicas on different versions, or a key nobody holds', async () => {
    const split = new KeyExplainer({
      cluster: clusterWith('alive'),
      inspect: inspections({ [A]: { record: { version: V1, updatedAtMs: 1, deleted: false }, hints: [] }, [B]: { record: { version: V2, updatedAtMs: 2, deleted: false }, hints: [] }, [C]: { record: undefined, hints: [] } }),
    });
    expect(await split.explain('k')).toMatchObject({ agree: false, newestVersion: V2, hints: [] });
    const empty = new KeyExplainer({ cluster: clusterWith('alive'), inspect: inspections({ [A]: { record: undefined, hints: [] }, [B]: { record: undefined, hints: [] }, [C]: { record: undefined, hints: [] } }) });
    expect(await empty.explain('k')).toMatchObject({ agree: true, newestVersion: null, hints: [] });
  });
});
