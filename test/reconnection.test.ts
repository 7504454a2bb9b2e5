// Reconnection between real node processes, each in its own network namespace: after a network cut
// (iptables DROP both ways inside the hosts' namespaces, long enough for the connection to be declared
// dead) and after a peer is killed with -9 and restarted. Each cause runs several rounds; every round's
// time is read from the nodes' own logs (`transport.peer_up`, `transport.reconnected`) and must be
// within the bound. A dropped connection, and a restart in-process, are in
// node/src/transport/reconnection.node-test.ts.

import { describe, expect, test } from 'bun:test';
import { NetworkFaults } from './chaos/network-faults';
import { NAMESPACES_AVAILABLE, useCluster, type ClusterNode, type TestCluster } from './support/cluster';

/**
 * After a cut heals: the next redial of the peer, at most RECONNECT_DELAY_MS_MAX (4 s) +25% after the
 * last, then a connect on a LAN-like bridge (well under a second).
 */
const CUT_RECONNECT_MS_BOUND = 7000;
/** From a restarted node's `node.listening` to both sides up: it dials the others at once. */
const RESTART_RECONNECT_MS_BOUND = 5000;
/** No packet for this long and the transport declares the connection dead (PEER_SILENCE_TIMEOUT_MS 15 s), with room. */
const CUT_DETECTED_MS_MAX = 25_000;
/** How long each round keeps the link cut after both sides saw the connection die: a varied partition. */
const HOLD_AFTER_DOWN_MS = [0, 3000, 9000];
const RESTART_ROUNDS = 3;
const SCENARIO_MS = 180_000;

interface Logged {
  readonly node: string;
  readonly event: string;
  readonly fields: Record<string, unknown>;
  readonly atMs: number;
}

const logged: Logged[] = [];
const cluster = useCluster({
  nodes: 2,
  eventSink: (node, fields, atMs) => logged.push({ node, event: String(fields.event), fields, atMs }),
});

/** The first time since `fromMs` that `node` logged `event` about `peer`, or undefined. */
function loggedAt(node: ClusterNode, event: string, peer: ClusterNode, fromMs: number): number | undefined {
  return logged.find((entry) => entry.node === node.name && entry.event === event && entry.fields.nodeId === peer.nodeId && entry.atMs >= fromMs)?.atMs;
}

/** Waits until each node logged `event` about the other since `fromMs`; resolves with the later time. */
async function bothLogged(c: TestCluster, event: string, fromMs: number, deadlineMs: number): Promise<number> {
  const [a, b] = c.nodes as [ClusterNode, ClusterNode];
  await c.waitFor(() => loggedAt(a, event, b, fromMs) !== undefined && loggedAt(b, event, a, fromMs) !== undefined, deadlineMs, `${event} on both nodes`);
  return Math.max(loggedAt(a, event, b, fromMs)!, loggedAt(b, event, a, fromMs)!);
}

function summary(durations: readonly number[]): string {
  const sorted = [...durations].sort((left, right) => left - right);
  return `min ${sorted[0]} ms, median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms over ${sorted.length}`;
}

describe.skipIf(!NAMESPACES_AVAILABLE)('reconnection between node processes in their own namespaces', () => {
  test(`after a network cut heals, both sides are back within ${CUT_RECONNECT_MS_BOUND} ms, ${HOLD_AFTER_DOWN_MS.length} rounds`, async () => {
    const c = cluster();
    const [a, b] = c.nodes as [ClusterNode, ClusterNode];
    await c.waitFor(() => c.allSeeAllAlive(), 30_000, 'both alive on both');
    const faults = new NetworkFaults();
    const durations: number[] = [];
    try {
      for (const holdMs of HOLD_AFTER_DOWN_MS) {
        const cutMs = performance.now();
        faults.cutBothWays(a.host, b.host);
        await bothLogged(c, 'transport.peer_down', cutMs, CUT_DETECTED_MS_MAX);
        if (holdMs > 0) await c.waitFor(() => performance.now() - cutMs > holdMs, holdMs + 1000, 'the partition to last');
        const healedMs = performance.now();
        faults.undoAll();
        const upMs = await bothLogged(c, 'transport.peer_up', healedMs, CUT_RECONNECT_MS_BOUND).catch((error: Error) => {
          throw new Error(`${error.message} (held ${holdMs} ms after the drop)\n${c.diagnostics(10)}`);
        });
        durations.push(Math.round(upMs - healedMs));
      }
    } finally {
      faults.undoAll();
    }
    console.log(`[reconnection] network cut, back on both sides after the heal: ${summary(durations)}`);
    expect(Math.max(...durations)).toBeLessThanOrEqual(CUT_RECONNECT_MS_BOUND);
    const reconnected = logged.filter((entry) => entry.event === 'transport.reconnected');
    expect(reconnected.length).toBeGreaterThanOrEqual(HOLD_AFTER_DOWN_MS.length);
    expect(reconnected.every((entry) => typeof entry.fields.downMs === 'number')).toBe(true);
  }, SCENARIO_MS);

  test(`a peer killed with -9 and restarted is back on both sides within ${RESTART_RECONNECT_MS_BOUND} ms of listening, ${RESTART_ROUNDS} rounds`, async () => {
    const c = cluster();
    const [a, b] = c.nodes as [ClusterNode, ClusterNode];
    await c.waitFor(() => c.allSeeAllAlive(), 30_000, 'both alive on both');
    const durations: number[] = [];
    for (let round = 1; round <= RESTART_ROUNDS; round++) {
      const restartMs = performance.now();
      await c.restart(b);
      const listeningMs = logged.find((entry) => entry.node === b.name && entry.event === 'node.listening' && entry.atMs >= restartMs)?.atMs ?? performance.now();
      const upMs = await bothLogged(c, 'transport.peer_up', listeningMs, RESTART_RECONNECT_MS_BOUND).catch((error: Error) => {
        throw new Error(`round ${round}: ${error.message}\n${c.diagnostics(10)}`);
      });
      durations.push(Math.round(upMs - listeningMs));
      await c.waitFor(() => c.allSeeAllAlive(), 30_000, `round ${round}: both alive on both`);
    }
    console.log(`[reconnection] restart (kill -9), back on both sides after node.listening: ${summary(durations)}`);
    expect(loggedAt(a, 'transport.peer_up', b, 0)).toBeDefined();
  }, SCENARIO_MS);
});
