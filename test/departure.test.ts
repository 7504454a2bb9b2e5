// SIGTERM on a real 3-node cluster whose third node keeps its data in memory only: under a quorum
// write load it must turn not-ready at once, finish what is in flight, hand every record it holds to
// the nodes that own them once it is gone, and exit 0 within its bound, so that a platform can scale
// such nodes away without losing an acknowledged write. One replica per key, so each key the memory
// node owns lives there alone: without the hand-over about a third of the keys would be lost (with
// N = 3 and W = 2 a survivor holds every acknowledged write anyway, and the test would prove nothing).
// Then the last node of the cluster, its peers and its DHT gone, must still stop promptly.

import { describe, expect, test } from 'bun:test';
import { SHUTDOWN_MS_MAX } from '../node/src';
import { NAMESPACES_AVAILABLE, useCluster, type ClusterNode, type TestCluster } from './support/cluster';
import { converge, CONVERGE_MS_MAX, mapConcurrent } from './support/cluster-scenarios';
import { scenarioStep } from './support/scenario-step';

const TAG = 'departure';
const REPLICAS = 1;
const PRELOADED_KEYS = 600;
const LOAD_CLIENTS = 8;
const LOAD_BEFORE_SIGTERM_MS = 1500;
const LOAD_AFTER_EXIT_MS = 1000;
const WRITE_TIMEOUT_MS = 4000;
/** The last node: a leave grace (3 gossip intervals, 600 ms on lan) and a bounded transport close (1 s), with room. */
const LAST_NODE_EXIT_MS_MAX = 3000;
const SCENARIO_MS = 120_000;

/** Writes unique keys at quorum through the given nodes in turn until stopped; records each acknowledged one. */
function quorumLoad(cluster: TestCluster, through: readonly ClusterNode[], acknowledged: Map<string, unknown>) {
  let stopped = false;
  let attempts = 0;
  const client = async (clientIndex: number) => {
    for (let index = 0; !stopped; index++) {
      const node = through[(clientIndex + index) % through.length]!;
      const key = `${TAG}:load:${clientIndex}:${index}`;
      const value = { clientIndex, index };
      attempts++;
      const reply = await cluster.put(node, key, value, 'quorum', WRITE_TIMEOUT_MS).catch(() => undefined);
      if (reply?.status === 200) acknowledged.set(key, value);
    }
  };
  const clients = Promise.all(Array.from({ length: LOAD_CLIENTS }, (_, index) => client(index)));
  return {
    attempts: () => attempts,
    stop: async () => {
      stopped = true;
      await clients;
    },
  };
}

/** Keys whose value, read at consistency=all through the survivors, is not the acknowledged one. */
async function lostWrites(cluster: TestCluster, survivors: readonly ClusterNode[], acknowledged: Map<string, unknown>): Promise<string[]> {
  const entries = [...acknowledged];
  const readBack = await mapConcurrent(entries, async ([key, value], index) => {
    const reply = await cluster.get(survivors[index % survivors.length]!, key, 'all');
    return reply.status === 200 && JSON.stringify(reply.body.value) === JSON.stringify(value) ? undefined : `${key}: ${reply.status} ${reply.text.slice(0, 120)}`;
  });
  return readBack.filter((problem): problem is string => problem !== undefined);
}

describe.skipIf(!NAMESPACES_AVAILABLE)('SIGTERM: a --memory node leaves a 3-node cluster under quorum writes', () => {
  const cluster = useCluster({ nodes: 3, replicas: REPLICAS, nodeArgsByName: { n3: ['--memory'] } });

  const converged = scenarioStep(() => converge(cluster(), TAG));

  test('the cluster converges', async () => {
    await converged();
  }, CONVERGE_MS_MAX + 30_000);

  test('it exits 0 within its bound, and no acknowledged write is lost', async () => {
    await converged();
    const c = cluster();
    const [n1, n2, leaving] = c.nodes as [ClusterNode, ClusterNode, ClusterNode];
    const acknowledged = new Map<string, unknown>();
    const preloaded = await mapConcurrent(Array.from({ length: PRELOADED_KEYS }, (_, index) => index), async (index) => {
      const key = `${TAG}:pre:${index}`;
      const reply = await c.put(c.nodes[index % 3]!, key, index, 'quorum');
      if (reply.status === 200) acknowledged.set(key, index);
      return reply.status;
    });
    expect(preloaded.filter((status) => status !== 200)).toEqual([]);
    const heldByLeaving = (await mapConcurrent([...acknowledged.keys()], async (key) => (await c.local(leaving, key)).status === 200)).filter(Boolean).length;
    expect(heldByLeaving).toBeGreaterThan(PRELOADED_KEYS / 6);

    const load = quorumLoad(c, [n1, n2, leaving], acknowledged);
    await Bun.sleep(LOAD_BEFORE_SIGTERM_MS);
    const signalledMs = performance.now();
    leaving.process.signal('SIGTERM');
    const exit = await Promise.race([leaving.process.exited, Bun.sleep(SHUTDOWN_MS_MAX + 5000).then(() => undefined)]);
    const exitMs = performance.now() - signalledMs;
    await Bun.sleep(LOAD_AFTER_EXIT_MS);
    await load.stop();

    const handover = leaving.process.events.find((event) => String(event.event).startsWith('departure.handover'));
    console.log(
      `[${TAG}] ${leaving.name} (--memory, held ${heldByLeaving} of ${PRELOADED_KEYS} preloaded keys) exited ${exit?.code} ${Math.round(exitMs)} ms after SIGTERM (bound ${SHUTDOWN_MS_MAX} ms); ` +
        `hand-over ${JSON.stringify(handover)}; ${acknowledged.size} writes acknowledged of ${load.attempts() + PRELOADED_KEYS}`,
    );
    const lost = await lostWrites(c, [n1, n2], acknowledged);
    console.log(`[${TAG}] read back at consistency=all through the survivors: ${lost.length} of ${acknowledged.size} acknowledged writes lost`);
    expect(lost).toEqual([]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitMs).toBeLessThan(SHUTDOWN_MS_MAX);
    expect(handover).toMatchObject({ event: 'departure.handover_completed', failed: 0, cutShort: false });
    expect(Number(handover?.records)).toBeGreaterThanOrEqual(heldByLeaving);
  }, SCENARIO_MS);

  test('the last node exits promptly once its peers and its DHT are gone', async () => {
    const c = cluster();
    const [last, ...others] = c.nodes as [ClusterNode, ...ClusterNode[]];
    // Whatever the earlier tests left running (the leaver exits in one; run alone, none has).
    for (const other of others) if (other.running) await c.kill9(other);
    await c.bootstrap.kill();
    const signalledMs = performance.now();
    last.process.signal('SIGTERM');
    const exit = await Promise.race([last.process.exited, Bun.sleep(SHUTDOWN_MS_MAX).then(() => undefined)]);
    const exitMs = performance.now() - signalledMs;
    console.log(`[${TAG}] the last node exited ${exit?.code} ${Math.round(exitMs)} ms after SIGTERM, its peer and DHT killed (bar ${LAST_NODE_EXIT_MS_MAX} ms)`);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitMs).toBeLessThan(LAST_NODE_EXIT_MS_MAX);
  }, SCENARIO_MS);
});
