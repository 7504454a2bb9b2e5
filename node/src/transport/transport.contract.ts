// One behaviour suite both transports run: the in-memory fake under `bun test` and Hyperswarm on a
// local testnet under `node --test`. It is written against a minimal harness (describe/test) and
// node:assert, which both runners provide, so the fake cannot drift from the real thing.

import assert from 'node:assert/strict';
import { PROTOCOL_VERSION_MAX, type MessageRegistry } from '../wire';
import { contractMessages, note, RecordingHandlers, sleep, waitUntil } from './recording-handlers.contract';
import type { Transport } from './transport';
import type { TransportStats } from './transport-stats';

export interface ContractHarness {
  describe(name: string, body: () => void): void;
  test(name: string, body: () => Promise<void>): void;
}

export interface ContractNode {
  readonly nodeId: string;
  readonly name: string;
  /** Default: the cluster's secret. A node with another secret is still placed where the others can reach it. */
  readonly secret?: string;
  readonly messages: MessageRegistry;
}

export interface ObservableTransport extends Transport {
  stats(): Readonly<TransportStats>;
}

export interface TransportFixture {
  create(node: ContractNode): ObservableTransport;
  /** Closes every transport the fixture created, then its network. */
  close(): Promise<void>;
  /** The longest an expected event (discovery, a peer going down) may take. */
  readonly eventTimeoutMs: number;
  /** How long to watch for an event that must not happen. */
  readonly quietMs: number;
}

export const CLUSTER_SECRET = 'contract-secret-0123456789';
const ids = { a: 'aaaaaaaaaaaaaaaa', b: 'bbbbbbbbbbbbbbbb', c: 'cccccccccccccccc', m: 'eeeeeeeeeeeeeeee' };

export function describeTransportContract(harness: ContractHarness, name: string, makeFixture: () => Promise<TransportFixture>): void {
  const messages = contractMessages();
  /** Runs `body` with a fresh fixture, closing it whatever happens. */
  const withFixture = (title: string, body: (fixture: TransportFixture) => Promise<void>): void =>
    harness.test(title, async () => {
      const fixture = await makeFixture();
      try {
        await body(fixture);
      } finally {
        await fixture.close();
      }
    });

  async function startPair(fixture: TransportFixture) {
    const a = fixture.create({ nodeId: ids.a, name: 'node-a', messages });
    const b = fixture.create({ nodeId: ids.b, name: 'node-b', messages });
    const [ha, hb] = [new RecordingHandlers(), new RecordingHandlers()];
    await Promise.all([a.start(ha), b.start(hb)]);
    await ha.until(() => ha.ups(ids.b).length === 1, fixture.eventTimeoutMs, 'a to see b');
    await hb.until(() => hb.ups(ids.a).length === 1, fixture.eventTimeoutMs, 'b to see a');
    return { a, b, ha, hb };
  }

  harness.describe(`${name} transport contract`, () => {
    withFixture('peers discover each other, say who they are and exchange messages', async (fixture) => {
      const { a, b, ha, hb } = await startPair(fixture);
      assert.deepEqual(ha.ups(ids.b)[0], { nodeId: ids.b, name: 'node-b', httpAddress: 'node-b:7070', protocolVersion: PROTOCOL_VERSION_MAX });
      assert.deepEqual(a.connectedPeers(), [ids.b]);
      assert.deepEqual(b.connectedPeers(), [ids.a]);
      assert.equal(a.send(ids.b, note('hello b')), true);
      assert.equal(b.send(ids.a, note('hello a')), true);
      await hb.until(() => hb.messages(ids.a).length === 1, fixture.eventTimeoutMs, 'b to receive');
      await ha.until(() => ha.messages(ids.b).length === 1, fixture.eventTimeoutMs, 'a to receive');
      assert.deepEqual(hb.messages(ids.a), [note('hello b')]);
      assert.deepEqual(ha.messages(ids.b), [note('hello a')]);
      assert.equal(a.send('0000000000000000', note('nobody')), false);
    });

    withFixture('messages on one connection arrive in the order they were sent', async (fixture) => {
      const { a, hb } = await startPair(fixture);
      for (let sequence = 0; sequence < 200; sequence++) assert.equal(a.send(ids.b, note(`n${sequence}`, sequence)), true);
      await hb.until(() => hb.messages().length === 200, fixture.eventTimeoutMs, '200 messages');
      assert.deepEqual(hb.messages().map((message) => message.sequence), [...Array(200).keys()]);
    });

    withFixture('three peers connect in a full mesh', async (fixture) => {
      const nodes = [ids.a, ids.b, ids.c].map((nodeId) => ({ nodeId, transport: fixture.create({ nodeId, name: `node-${nodeId[0]}`, messages }), handlers: new RecordingHandlers() }));
      await Promise.all(nodes.map(({ transport, handlers }) => transport.start(handlers)));
      for (const { transport, handlers, nodeId } of nodes) {
        await handlers.until(() => transport.connectedPeers().length === 2, fixture.eventTimeoutMs, `${nodeId} to see both others`);
      }
    });

    withFixture('a peer with the wrong secret never comes up on either side and receives nothing', async (fixture) => {
      const { a, b, ha, hb } = await startPair(fixture);
      const impostor = fixture.create({ nodeId: ids.m, name: 'impostor', secret: 'not-the-cluster-secret-xyz', messages });
      const hm = new RecordingHandlers();
      await impostor.start(hm);
      // The impostor must really have reached the cluster, or this test would prove nothing. Whichever
      // side reads the other's hello first refuses the connection; the other may only see it close.
      const refusals = () => a.stats().connectionsRefused + b.stats().connectionsRefused + impostor.stats().connectionsRefused;
      await waitUntil(() => impostor.stats().connectionsOpened > 0 && refusals() > 0, fixture.eventTimeoutMs, 'the impostor to be refused');
      assert.equal(a.send(ids.m, note('secret')), false);
      assert.equal(b.send(ids.m, note('secret')), false);
      await sleep(fixture.quietMs);
      assert.deepEqual(hm.events, []);
      assert.deepEqual(impostor.connectedPeers(), []);
      assert.deepEqual(ha.ups(ids.m), []);
      assert.deepEqual(hb.ups(ids.m), []);
      assert.equal(impostor.stats().messagesReceived, 0);
    });

    withFixture('start() and close() are idempotent, and a closed transport sends nothing', async (fixture) => {
      const { a, ha } = await startPair(fixture);
      const handlers = new RecordingHandlers();
      assert.equal(a.start(handlers), a.start(ha));
      const closing = a.close();
      assert.equal(a.close(), closing);
      await closing;
      await a.close();
      assert.equal(a.send(ids.b, note('late')), false);
      assert.deepEqual(a.connectedPeers(), []);
      const neverStarted = fixture.create({ nodeId: ids.c, name: 'node-c', messages });
      await neverStarted.close();
      await neverStarted.close();
    });

    withFixture('a peer that goes away goes down, and comes back up when it restarts', async (fixture) => {
      const { a, b, ha } = await startPair(fixture);
      await b.close();
      await ha.until(() => ha.downs(ids.b).length === 1, fixture.eventTimeoutMs, 'a to see b go down');
      assert.deepEqual(a.connectedPeers(), []);
      assert.equal(a.send(ids.b, note('gone')), false);
      const restarted = fixture.create({ nodeId: ids.b, name: 'node-b', messages });
      const hr = new RecordingHandlers();
      await restarted.start(hr);
      await ha.until(() => ha.ups(ids.b).length === 2, fixture.eventTimeoutMs, 'a to see b again');
      await hr.until(() => hr.ups(ids.a).length === 1, fixture.eventTimeoutMs, 'restarted b to see a');
      assert.equal(a.send(ids.b, note('welcome back')), true);
      await hr.until(() => hr.messages(ids.a).length === 1, fixture.eventTimeoutMs, 'restarted b to receive');
      assert.deepEqual(ha.events.filter((event) => event.kind !== 'message').map((event) => event.kind), ['up', 'down', 'up']);
    });

    withFixture('messages that do not fit the codec are dropped and counted; the connection stays', async (fixture) => {
      const a = fixture.create({ nodeId: ids.a, name: 'node-a', messages: contractMessages({ withExtra: true }) });
      const b = fixture.create({ nodeId: ids.b, name: 'node-b', messages: contractMessages({ textCharsMax: 10, messageBytesMax: 4096 }) });
      const [ha, hb] = [new RecordingHandlers(), new RecordingHandlers()];
      await Promise.all([a.start(ha), b.start(hb)]);
      await ha.until(() => ha.ups(ids.b).length === 1 && hb.ups(ids.a).length === 1, fixture.eventTimeoutMs, 'a and b to meet');
      assert.equal(a.send(ids.b, { type: 'test.extra' }), true); // a type b does not know
      assert.equal(a.send(ids.b, note('far too long for b')), true); // a field b's codec refuses
      assert.equal(a.send(ids.b, note('x'.repeat(5000))), true); // over b's frame limit
      assert.equal(a.send(ids.b, note('fits', 7)), true);
      await hb.until(() => hb.messages().length === 1, fixture.eventTimeoutMs, 'the valid message');
      await waitUntil(() => b.stats().messagesRefused === 3, fixture.eventTimeoutMs, 'three refusals');
      assert.deepEqual(hb.messages(), [note('fits', 7)]);
      assert.deepEqual(hb.downs(), []);
      assert.deepEqual(b.connectedPeers(), [ids.a]);
    });
  });
}
