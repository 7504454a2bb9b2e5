import { describe, expect, test } from 'bun:test';
import { formationOf, type NodeReader } from './cluster-formation';
import type { NodeReply } from './node-client';

interface NodeState {
  readonly ready: boolean | 'down';
  readonly digest: string;
  readonly members: number;
  readonly joint?: string[];
}

function cluster(states: Record<string, NodeState>): NodeReader {
  return {
    withUrls([url]) {
      const state = states[url!]!;
      return {
        async request(_method: string, path: string): Promise<NodeReply> {
          if (state.ready === 'down') throw new Error('unreachable');
          if (path === '/health/ready') return { status: state.ready ? 200 : 503, body: state.ready ? { ready: true } : { error: 'unavailable', reason: 'joining' }, url: url! };
          return { status: 200, body: { digest: state.digest, members: Array.from({ length: state.members }, (_, index) => `n${index}`), jointRings: state.joint ?? [] }, url: url! };
        },
      };
    },
  };
}

const nodes = ['a', 'b', 'c'].map((name) => ({ name, url: `http://${name}` }));
const formed: NodeState = { ready: true, digest: 'd1', members: 3 };

describe('formationOf', () => {
  test('formed: every node ready, on one ring of every member, with no ring change in progress', async () => {
    expect(await formationOf(cluster({ 'http://a': formed, 'http://b': formed, 'http://c': formed }), nodes)).toEqual({ formed: true, digest: 'd1' });
  });

  test('otherwise it names what is missing, node by node', async () => {
    const formation = await formationOf(
      cluster({ 'http://a': { ...formed, joint: ['d0'] }, 'http://b': { ready: false, digest: 'd0', members: 2 }, 'http://c': { ready: 'down', digest: '', members: 0 } }),
      nodes,
    );
    expect(formation).toEqual({ formed: false, missing: ['a is still changing rings', 'b is not ready (joining)', 'c does not answer'] });
    expect(await formationOf(cluster({ 'http://a': formed, 'http://b': formed, 'http://c': { ...formed, members: 2 } }), nodes)).toEqual({ formed: false, missing: ["c's ring holds 2 member(s)"] });
  });

  test('nodes on different rings, each looking settled, have not formed one cluster', async () => {
    expect(await formationOf(cluster({ 'http://a': formed, 'http://b': formed, 'http://c': { ...formed, digest: 'd2' } }), nodes)).toEqual({ formed: false, missing: ['the nodes are on 2 different rings'] });
  });
});
