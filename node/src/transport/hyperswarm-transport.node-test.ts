// The real transport on a local hyperdht testnet bound to 127.0.0.1: the shared contract, then what only
// the real one has (a silent peer, large frames, a backed-up stream, reconnection). Runs on Node
// (`node --test dist/node-tests/`), never Bun, which cannot load hyperswarm's UDP stack; run it inside a
// loopback-only network namespace, as scripts/test.sh does.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Hyperswarm from 'hyperswarm';
import { deriveClusterKeys } from './cluster-keys';
import { HyperswarmTransport, type HyperswarmTransportOptions } from './hyperswarm';
import { createLocalTestnet, type LocalTestnet } from './local-testnet.contract';
import { contractMessages, note, RecordingHandlers, waitUntil } from './recording-handlers.contract';
import { CLUSTER_SECRET, describeTransportContract, type ContractHarness, type TransportFixture } from './transport.contract';
import { PROTOCOL_VERSION_MAX } from '../wire';

const TEST_TIMEOUT_MS = 90_000;
const EVENT_TIMEOUT_MS = 30_000;
const CLUSTER = 'contract';
const clusterTopic = deriveClusterKeys(CLUSTER, CLUSTER_SECRET).topic;

const harness: ContractHarness = {
  describe: (name, body) => void describe(name, body),
  test: (name, body) => void test(name, { timeout: TEST_TIMEOUT_MS }, body),
};

interface Cluster {
  readonly testnet: LocalTestnet;
  readonly created: HyperswarmTransport[];
  create(options: Partial<HyperswarmTransportOptions> & Pick<HyperswarmTransportOptions, 'nodeId' | 'name'>): HyperswarmTransport;
  close(): Promise<void>;
}

async function localCluster(): Promise<Cluster> {
  const testnet = await createLocalTestnet(3);
  const created: HyperswarmTransport[] = [];
  return {
    testnet,
    created,
    create: (options) => {
      const transport = new HyperswarmTransport({
        httpAddress: `${options.name}:7070`,
        clusterName: CLUSTER,
        secret: CLUSTER_SECRET,
        bootstrap: testnet.bootstrap,
        dhtHost: '127.0.0.1',
        messages: contractMessages(),
        ...options,
      });
      created.push(transport);
      return transport;
    },
    close: async () => {
      await Promise.all(created.map((transport) => transport.close()));
      await testnet.destroy();
    },
  };
}

describeTransportContract(harness, 'hyperswarm', async (): Promise<TransportFixture> => {
  const cluster = await localCluster();
  return {
    eventTimeoutMs: EVENT_TIMEOUT_MS,
    quietMs: 2000,
    // A node with the wrong secret would never find the cluster's topic; put it there so the hello is tested.
    create: (node) => cluster.create({ ...node, ...(node.secret === undefined ? {} : { secret: node.secret, topic: clusterTopic }) }),
    close: () => cluster.close(),
  };
});

/** Starts the cluster's a and b and resolves once each sees the other, with the time that took. */
async function connectedPair(cluster: Cluster, options: Partial<HyperswarmTransportOptions> = {}) {
  const a = cluster.create({ nodeId: 'aaaaaaaaaaaaaaaa', name: 'node-a', ...options });
  const b = cluster.create({ nodeId: 'bbbbbbbbbbbbbbbb', name: 'node-b', ...options });
  const [ha, hb] = [new RecordingHandlers(), new RecordingHandlers()];
  const startedMs = performance.now();
  await Promise.all([a.start(ha), b.start(hb)]);
  await waitUntil(() => ha.ups().length > 0 && hb.ups().length > 0, EVENT_TIMEOUT_MS, 'a and b to connect');
  return { a, b, ha, hb, connectMs: Math.round(performance.now() - startedMs) };
}

describe('hyperswarm transport', () => {
  test('refuses to start without an explicit bootstrap, and never reaches for the public DHT by default', () => {
    const base = { nodeId: 'aaaaaaaaaaaaaaaa', name: 'a', httpAddress: 'a:1', clusterName: CLUSTER, secret: CLUSTER_SECRET };
    assert.throws(() => new HyperswarmTransport({ ...base } as unknown as HyperswarmTransportOptions), /needs `bootstrap`/);
    assert.throws(() => new HyperswarmTransport({ ...base, bootstrap: [{ host: '', port: 1 }] }), /invalid DHT bootstrap node/);
    assert.throws(() => new HyperswarmTransport({ ...base, bootstrap: [{ host: '127.0.0.1', port: 0 }] }), /invalid DHT bootstrap node/);
  });

  test('two peers connect on a local testnet; timings are reported', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const cluster = await localCluster();
    try {
      const { a, ha, hb, connectMs } = await connectedPair(cluster);
      const sentMs = performance.now();
      a.send('bbbbbbbbbbbbbbbb', note('ping'));
      await hb.until(() => hb.messages().length === 1, EVENT_TIMEOUT_MS, 'the message');
      t.diagnostic(`connect: ${connectMs} ms from start() to both onPeerUp; one message: ${(performance.now() - sentMs).toFixed(1)} ms`);
      assert.equal(ha.ups()[0]?.protocolVersion, PROTOCOL_VERSION_MAX);
      const closingMs = performance.now();
      await a.close();
      t.diagnostic(`close: ${Math.round(performance.now() - closingMs)} ms`);
    } finally {
      await cluster.close();
    }
  });

  test('a peer that connects but never says hello is cut off after the hello timeout', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const cluster = await localCluster();
    const events: Array<{ event: string; fields: Record<string, unknown> }> = [];
    const silent = new Hyperswarm({ dht: cluster.testnet.createNode() });
    try {
      const a = cluster.create({ nodeId: 'aaaaaaaaaaaaaaaa', name: 'node-a', helloTimeoutMs: 1000, log: (event, fields) => events.push({ event, fields }) });
      const ha = new RecordingHandlers();
      await a.start(ha);
      await a.flushed();
      let closedMs = 0;
      silent.on('connection', (connection) => {
        connection.on('error', () => {});
        const openedMs = performance.now();
        connection.on('close', () => (closedMs = performance.now() - openedMs));
      });
      silent.join(Buffer.from(clusterTopic), { server: false, client: true });
      await waitUntil(() => closedMs > 0, EVENT_TIMEOUT_MS, 'the silent connection to be closed');
      t.diagnostic(`silent peer cut off after ${Math.round(closedMs)} ms`);
      assert.ok(closedMs >= 900, `closed after ${closedMs} ms, before the timeout`);
      assert.deepEqual(ha.events, []);
      assert.ok(events.some(({ event, fields }) => event === 'transport.connection_refused' && fields.reason === 'hello_timeout'));
    } finally {
      await silent.destroy();
      await cluster.close();
    }
  });

  test('a 1.5 MiB message crosses intact', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const cluster = await localCluster();
    try {
      const { a, hb } = await connectedPair(cluster);
      const text = 'é'.repeat(768 * 1024);
      const sentMs = performance.now();
      assert.equal(a.send('bbbbbbbbbbbbbbbb', note(text, 1)), true);
      await hb.until(() => hb.messages().length === 1, EVENT_TIMEOUT_MS, 'the large message');
      t.diagnostic(`1.5 MiB message: ${Math.round(performance.now() - sentMs)} ms`);
      assert.equal(hb.messages()[0]?.text, text);
    } finally {
      await cluster.close();
    }
  });

  test('a burst beyond the send budget is partly dropped and counted; what was queued arrives', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const cluster = await localCluster();
    try {
      const { a, hb } = await connectedPair(cluster, { sendQueueBytesMax: 4 * 1024 * 1024 });
      const text = 'x'.repeat(1024 * 1024);
      let accepted = 0;
      for (let sequence = 0; sequence < 20; sequence++) if (a.send('bbbbbbbbbbbbbbbb', note(text, sequence))) accepted++;
      const dropped = a.stats().messagesDroppedCongested;
      t.diagnostic(`burst of 20 × 1 MiB: ${accepted} queued, ${dropped} dropped`);
      assert.ok(dropped > 0 && accepted + dropped === 20, `accepted ${accepted}, dropped ${dropped}`);
      await hb.until(() => hb.messages().length === accepted, EVENT_TIMEOUT_MS, 'the queued messages');
      // Once the stream drains, sending works again.
      assert.equal(a.send('bbbbbbbbbbbbbbbb', note('after', 99)), true);
      await hb.until(() => hb.messages().length === accepted + 1, EVENT_TIMEOUT_MS, 'the message after the burst');
    } finally {
      await cluster.close();
    }
  });

  test('a dropped connection goes down on both sides and comes back by itself', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const cluster = await localCluster();
    try {
      const { a, b, ha, hb } = await connectedPair(cluster);
      const droppedMs = performance.now();
      assert.equal(a.disconnect('bbbbbbbbbbbbbbbb', 'test'), true);
      await waitUntil(() => ha.downs().length === 1 && hb.downs().length === 1, EVENT_TIMEOUT_MS, 'both to see the drop');
      await waitUntil(() => ha.ups().length === 2 && hb.ups().length === 2, EVENT_TIMEOUT_MS, 'both to reconnect');
      t.diagnostic(`reconnected ${Math.round(performance.now() - droppedMs)} ms after the drop`);
      assert.equal(b.send('aaaaaaaaaaaaaaaa', note('again')), true);
      await ha.until(() => ha.messages().length === 1, EVENT_TIMEOUT_MS, 'a message after reconnecting');
      assert.deepEqual(a.connectedPeers(), ['bbbbbbbbbbbbbbbb']);
    } finally {
      await cluster.close();
    }
  });
});
