// Reconnection of the real transport, measured: a dropped connection and a peer restart, each several
// times in a row, on a private DHT on loopback ports the OS picks. Every reconnection must be back on
// both sides within RECONNECT_MS_BOUND, and each logs one `transport.reconnected` line with its
// duration. (A network cut needs separate network namespaces, so real processes: test/reconnection.test.ts.)

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HyperswarmTransport, type HyperswarmTransportOptions } from './hyperswarm';
import { createLocalTestnet, type LocalTestnet } from './local-testnet.contract';
import { contractMessages, note, RecordingHandlers, waitUntil } from './recording-handlers.contract';
import { CLUSTER_SECRET } from './transport.contract';

/**
 * The bound this suite holds the transport to on loopback: the first redial comes 0.5 s (±25%) after a
 * loss, and a redial on loopback connects in tens of milliseconds; a second try at 1 s still fits.
 */
const RECONNECT_MS_BOUND = 3000;
const REPEATS = 5;
const TEST_TIMEOUT_MS = 120_000;
const CONNECT_TIMEOUT_MS = 30_000;

interface LoggedEvent {
  readonly node: string;
  readonly event: string;
  readonly fields: Record<string, unknown>;
  readonly atMs: number;
}

interface Pair {
  readonly testnet: LocalTestnet;
  readonly events: LoggedEvent[];
  readonly transports: HyperswarmTransport[];
  start(nodeId: string, name: string, dhtPort?: number): Promise<{ transport: HyperswarmTransport; handlers: RecordingHandlers }>;
  close(): Promise<void>;
}

async function localPair(): Promise<Pair> {
  const testnet = await createLocalTestnet(3);
  const events: LoggedEvent[] = [];
  const transports: HyperswarmTransport[] = [];
  const options = (nodeId: string, name: string, dhtPort: number | undefined): HyperswarmTransportOptions => ({
    nodeId,
    name,
    httpAddress: `${name}:7070`,
    clusterName: 'reconnection',
    secret: CLUSTER_SECRET,
    bootstrap: testnet.bootstrap,
    dhtHost: '127.0.0.1',
    messages: contractMessages(),
    log: (event, fields) => events.push({ node: name, event, fields, atMs: performance.now() }),
    ...(dhtPort === undefined ? {} : { dhtPort }),
  });
  return {
    testnet,
    events,
    transports,
    start: async (nodeId, name, dhtPort) => {
      const transport = new HyperswarmTransport(options(nodeId, name, dhtPort));
      transports.push(transport);
      const handlers = new RecordingHandlers();
      await transport.start(handlers);
      return { transport, handlers };
    },
    close: async () => {
      await Promise.all(transports.map((transport) => transport.close()));
      await testnet.destroy();
    },
  };
}

/** What happened since `fromMs`, for a failure message: the evidence of a slow reconnection. */
function eventsSince(events: readonly LoggedEvent[], fromMs: number): string {
  return events
    .filter((entry) => entry.atMs >= fromMs)
    .map((entry) => `+${Math.round(entry.atMs - fromMs)} ms ${entry.node} ${entry.event} ${JSON.stringify(entry.fields)}`)
    .join('\n');
}

function summary(durations: readonly number[]): string {
  const sorted = [...durations].sort((left, right) => left - right);
  return `min ${sorted[0]} ms, median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms over ${sorted.length}`;
}

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';

describe('reconnection of the hyperswarm transport', () => {
  test(`a dropped connection is back on both sides within ${RECONNECT_MS_BOUND} ms, ${REPEATS} times in a row`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const pair = await localPair();
    try {
      const a = await pair.start(A, 'node-a');
      const b = await pair.start(B, 'node-b');
      await waitUntil(() => a.handlers.ups(B).length === 1 && b.handlers.ups(A).length === 1, CONNECT_TIMEOUT_MS, 'a and b to connect');
      const durations: number[] = [];
      for (let round = 1; round <= REPEATS; round++) {
        const droppedMs = performance.now();
        // Alternate which side drops it: the other side learns of it from the closed stream.
        assert.equal((round % 2 === 1 ? a.transport : b.transport).disconnect(round % 2 === 1 ? B : A, 'test'), true);
        const back = () => a.handlers.ups(B).length === round + 1 && b.handlers.ups(A).length === round + 1;
        await waitUntil(back, RECONNECT_MS_BOUND, `round ${round}: both sides back`).catch((error: Error) => {
          throw new Error(`${error.message}; transport events since the drop:\n${eventsSince(pair.events, droppedMs)}`);
        });
        durations.push(Math.round(performance.now() - droppedMs));
        assert.equal(a.transport.send(B, note(`round ${round}`, round)), true);
        await b.handlers.until(() => b.handlers.messages(A).length === round, CONNECT_TIMEOUT_MS, `round ${round}: a message after reconnecting`);
      }
      t.diagnostic(`dropped connection, back on both sides: ${summary(durations)}`);
      const logged = pair.events.filter((entry) => entry.event === 'transport.reconnected');
      assert.ok(logged.length >= REPEATS, `one transport.reconnected line per reconnection at least, got ${logged.length}`);
      assert.ok(logged.every((entry) => typeof entry.fields.downMs === 'number' && entry.fields.downMs <= RECONNECT_MS_BOUND));
    } finally {
      await pair.close();
    }
  });

  test(`a restarted peer (same node id, new key) is back within ${RECONNECT_MS_BOUND} ms of starting, ${REPEATS} times in a row`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const pair = await localPair();
    try {
      const a = await pair.start(A, 'node-a');
      let b = await pair.start(B, 'node-b');
      await waitUntil(() => a.handlers.ups(B).length === 1 && b.handlers.ups(A).length === 1, CONNECT_TIMEOUT_MS, 'a and b to connect');
      const durations: number[] = [];
      for (let round = 1; round <= REPEATS; round++) {
        // A node restarted on its host gets its DHT port back (hyperdht's default port), so here too.
        const dhtPort = pair.events.findLast((entry) => entry.node === 'node-b' && entry.event === 'transport.started')?.fields.dhtPort;
        assert.equal(typeof dhtPort, 'number');
        await b.transport.close();
        await waitUntil(() => a.handlers.downs(B).length === round, CONNECT_TIMEOUT_MS, `round ${round}: a to see b go`);
        const restartedMs = performance.now();
        b = await pair.start(B, 'node-b', dhtPort as number);
        const back = () => a.handlers.ups(B).length === round + 1 && b.handlers.ups(A).length === 1;
        await waitUntil(back, RECONNECT_MS_BOUND, `round ${round}: a and the restarted b connected`).catch((error: Error) => {
          throw new Error(`${error.message}; transport events since the restart:\n${eventsSince(pair.events, restartedMs)}`);
        });
        const durationMs = Math.round(performance.now() - restartedMs);
        assert.ok(durationMs <= RECONNECT_MS_BOUND, `round ${round}: back ${durationMs} ms after the restart began:\n${eventsSince(pair.events, restartedMs)}`);
        durations.push(durationMs);
      }
      t.diagnostic(`restarted peer, back on both sides after its start: ${summary(durations)}`);
    } finally {
      await pair.close();
    }
  });
});
