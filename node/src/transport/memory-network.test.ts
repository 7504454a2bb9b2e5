import { afterEach, describe, expect, test } from 'bun:test';
import { MemoryNetwork, type MemoryNetworkOptions } from './memory-network';
import { MemoryTransport, type MemoryTransportOptions } from './memory-transport';
import { contractMessages, note, RecordingHandlers, sleep, waitUntil } from './recording-handlers.contract';
import { PROTOCOL_VERSION_MAX } from '../wire';

const [A, B, C] = ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb', 'cccccccccccccccc'];
const messages = contractMessages();
let transports: MemoryTransport[] = [];

afterEach(async () => {
  await Promise.all(transports.map((transport) => transport.close()));
  transports = [];
});

interface Node {
  readonly transport: MemoryTransport;
  readonly handlers: RecordingHandlers;
  readonly events: Array<{ event: string; fields: Record<string, unknown> }>;
}

function node(network: MemoryNetwork, nodeId: string, options: Partial<MemoryTransportOptions> = {}): Node {
  const events: Node['events'] = [];
  const transport = new MemoryTransport(network, {
    nodeId,
    name: `node-${nodeId[0]}`,
    httpAddress: `${nodeId[0]}:7070`,
    clusterName: 'memory',
    secret: 'memory-secret-0123456789',
    messages,
    log: (event, fields) => events.push({ event, fields }),
    ...options,
  });
  transports.push(transport);
  return { transport, handlers: new RecordingHandlers(), events };
}

async function cluster(ids: string[], options: MemoryNetworkOptions = {}) {
  const network = new MemoryNetwork({ seed: 11, ...options });
  const nodes = ids.map((id) => node(network, id));
  for (const { transport, handlers } of nodes) await transport.start(handlers);
  await waitUntil(() => nodes.every(({ transport }) => transport.connectedPeers().length === ids.length - 1), 1000, 'a full mesh');
  return { network, nodes };
}

const peersOf = (entry: Node) => entry.transport.connectedPeers().sort();

describe('memory network', () => {
  test('a partition takes peers down on both sides; heal brings them back', async () => {
    const { network, nodes } = await cluster([A, B, C]);
    const [a, b, c] = nodes as [Node, Node, Node];
    network.partition([A], [B, C]);
    await waitUntil(() => a.handlers.downs().length === 2 && b.handlers.downs().length === 1, 1000, 'the partition');
    expect(peersOf(a)).toEqual([]);
    expect(peersOf(b)).toEqual([C]);
    expect(a.transport.send(B, note('x'))).toBe(false);
    expect(c.transport.send(B, note('same side'))).toBe(true);
    network.heal();
    await waitUntil(() => peersOf(a).length === 2 && peersOf(b).length === 2, 1000, 'the heal');
    expect(a.handlers.ups().map((peer) => peer.nodeId).sort()).toEqual([B, B, C, C]);
  });

  test('a one-way cut loses messages one way and leaves the connection up', async () => {
    const { network, nodes } = await cluster([A, B]);
    const [a, b] = nodes as [Node, Node];
    network.cut(A, B);
    expect(a.transport.send(B, note('lost'))).toBe(true);
    expect(b.transport.send(A, note('arrives'))).toBe(true);
    await a.handlers.until(() => a.handlers.messages().length === 1, 1000, 'the message that crosses');
    await sleep(10);
    expect(b.handlers.messages()).toEqual([]);
    expect(network.stats.framesCut).toBe(1);
    expect(b.handlers.downs()).toEqual([]);
  });

  test('random drops are repeatable with the same seed', async () => {
    const delivered = async (seed: number) => {
      const { nodes } = await cluster([A, B], { seed, dropProbability: 0.3 });
      const [a, b] = nodes as [Node, Node];
      for (let sequence = 0; sequence < 200; sequence++) a.transport.send(B, note('n', sequence));
      await sleep(20);
      await Promise.all(nodes.map(({ transport }) => transport.close()));
      return b.handlers.messages().map((message) => message.sequence);
    };
    const first = await delivered(5);
    expect(first.length).toBeGreaterThan(100);
    expect(first.length).toBeLessThan(180);
    expect(await delivered(5)).toEqual(first);
    expect(await delivered(6)).not.toEqual(first);
  });

  test('delays hold messages back and keep their order, jitter included', async () => {
    const { network, nodes } = await cluster([A, B]);
    const [a, b] = nodes as [Node, Node];
    network.setDelay(30, 20);
    const sentMs = performance.now();
    for (let sequence = 0; sequence < 50; sequence++) a.transport.send(B, note('n', sequence));
    await sleep(20);
    expect(b.handlers.messages()).toEqual([]);
    await b.handlers.until(() => b.handlers.messages().length === 50, 1000, 'the delayed messages');
    expect(performance.now() - sentMs).toBeGreaterThanOrEqual(30);
    expect(b.handlers.messages().map((message) => message.sequence)).toEqual([...Array(50).keys()]);
  });

  test('a crashed node vanishes for everyone and returns under a new key on restart', async () => {
    const { network, nodes } = await cluster([A, B]);
    const [a, b] = nodes as [Node, Node];
    network.crash(B);
    await waitUntil(() => a.handlers.downs().length === 1, 1000, 'a to see b crash');
    expect(b.handlers.downs()).toEqual([A]);
    expect(b.transport.send(A, note('from the grave'))).toBe(false);
    expect(network.isCrashed(B)).toBe(true);
    network.restart(B);
    await waitUntil(() => a.handlers.ups().length === 2 && b.handlers.ups().length === 2, 1000, 'the restart');
    expect(b.transport.send(A, note('back'))).toBe(true);
    await a.handlers.until(() => a.handlers.messages().length === 1, 1000, 'a message after the restart');
  });

  test('the same node id twice: the newer connection wins, the peer is reported down then up', async () => {
    const { network, nodes } = await cluster([A, B]);
    const [a] = nodes as [Node, Node];
    const twin = node(network, B);
    await twin.transport.start(twin.handlers);
    await waitUntil(() => a.handlers.ups().length === 2, 1000, 'the twin to replace b');
    expect(a.handlers.events.filter((event) => event.kind !== 'message').map((event) => event.kind)).toEqual(['up', 'down', 'up']);
    expect(a.events.some(({ event, fields }) => event === 'transport.duplicate_connection' && fields.kept === 'new')).toBe(true);
    expect(peersOf(a)).toEqual([B]);
    expect(a.transport.send(B, note('to the twin'))).toBe(true);
    await twin.handlers.until(() => twin.handlers.messages().length === 1, 1000, 'the twin to receive');
  });

  test('a hello claiming our own node id, or with no common protocol version, is refused', async () => {
    const network = new MemoryNetwork();
    const entries = [node(network, A), node(network, A), node(network, C, { protocolVersions: { min: PROTOCOL_VERSION_MAX + 1, max: PROTOCOL_VERSION_MAX + 2 } })];
    for (const entry of entries) await entry.transport.start(entry.handlers);
    // Three connections; whichever side reads the other's hello first refuses it.
    const refused = () => entries.reduce((sum, entry) => sum + entry.transport.stats().connectionsRefused, 0);
    await waitUntil(() => refused() === 3, 1000, 'three refusals');
    const reasons = entries.flatMap((entry) => entry.events.filter(({ event }) => event === 'transport.connection_refused').map(({ fields }) => fields.reason));
    expect(reasons.sort()).toEqual(['protocol_incompatible', 'protocol_incompatible', 'self']);
    for (const entry of entries) expect(entry.handlers.events).toEqual([]);
  });

  test('a peer whose hello never arrives is cut off after the hello timeout', async () => {
    const network = new MemoryNetwork({ delayMs: 10 });
    const a = node(network, A, { helloTimeoutMs: 40 });
    const b = node(network, B, { helloTimeoutMs: 1000 });
    await a.transport.start(a.handlers);
    await b.transport.start(b.handlers);
    network.cut(B, A); // b's hello is in flight, and is lost with the cut
    await waitUntil(() => a.transport.stats().connectionsRefused === 1, 1000, 'the timeout');
    expect(a.events.find(({ event }) => event === 'transport.connection_refused')?.fields.reason).toBe('hello_timeout');
    expect(a.handlers.events).toEqual([]);
    // b did read a's proven hello, but a, never having read b's, never told b who it is: b saw no peer.
    expect(b.handlers.events).toEqual([]);
  });

  test("a slow peer's queue is bounded: sends beyond it are dropped and counted", async () => {
    const { network, nodes } = await cluster([A, B], { sendQueueBytesMax: 10_000 });
    const [a, b] = nodes as [Node, Node];
    network.setDelay(20);
    let accepted = 0;
    for (let sequence = 0; sequence < 20; sequence++) if (a.transport.send(B, note('x'.repeat(1000), sequence))) accepted++;
    expect(accepted).toBeLessThan(20);
    expect(a.transport.stats().messagesDroppedCongested).toBe(20 - accepted);
    await b.handlers.until(() => b.handlers.messages().length === accepted, 1000, 'the queued messages');
    expect(a.transport.send(B, note('room again'))).toBe(true);
    expect(a.events.map(({ event }) => event)).toContain('transport.peer_congested');
  });
});
