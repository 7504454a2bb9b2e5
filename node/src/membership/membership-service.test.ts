import { afterEach, expect, test } from 'bun:test';
import { systemClock } from '../clock';
import type { PeerMessage, Transport, TransportHandlers } from '../transport/transport';
import { membershipProfiles } from './membership-config';
import { MembershipService, type MemberEvent } from './membership-service';

const CONFIG = membershipProfiles.local;

/** A minimal in-memory Transport: every node connected to every other, messages delivered next tick. */
class LoopbackTransport implements Transport {
  readonly localNodeId: string;
  readonly #network: Map<string, LoopbackTransport>;
  handlers: TransportHandlers | undefined;

  constructor(localNodeId: string, network: Map<string, LoopbackTransport>) {
    this.localNodeId = localNodeId;
    this.#network = network;
    network.set(localNodeId, this);
  }

  async start(handlers: TransportHandlers): Promise<void> {
    this.handlers = handlers;
  }

  async close(): Promise<void> {
    this.#network.delete(this.localNodeId);
  }

  send(toNodeId: string, message: PeerMessage): boolean {
    const peer = this.#network.get(toNodeId);
    if (!peer) return false;
    const copy = JSON.parse(JSON.stringify(message)) as PeerMessage;
    setTimeout(() => peer.handlers?.onMessage(this.localNodeId, copy), 1);
    return true;
  }

  connectedPeers(): string[] {
    return [...this.#network.keys()].filter((nodeId) => nodeId !== this.localNodeId);
  }
}

const services: MembershipService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()));
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('three services over an in-memory Transport converge, and a closing one is seen to leave', async () => {
  const network = new Map<string, LoopbackTransport>();
  const ids = ['00000000000000f1', '00000000000000f2', '00000000000000f3'];
  const events: MemberEvent[] = [];
  for (const [index, nodeId] of ids.entries()) {
    const transport = new LoopbackTransport(nodeId, network);
    const service = new MembershipService({ self: { nodeId, name: `node-${index}`, httpAddress: `127.0.0.1:${7100 + index}` }, config: CONFIG, transport, clock: systemClock, seed: index });
    service.onMemberEvent((event) => events.push(event));
    await transport.start({
      onPeerUp: (peer) => service.peerUp(peer.nodeId),
      onPeerDown: (nodeId) => service.peerDown(nodeId),
      onMessage: (from, message) => void service.receive(from, message),
    });
    service.start();
    services.push(service);
  }
  for (const transport of network.values()) for (const peer of ids) if (peer !== transport.localNodeId) transport.handlers!.onPeerUp({ nodeId: peer, name: peer, httpAddress: 'x:1', protocolVersion: 1 });

  const allAlive = () => services.every((service) => service.members().length === 3 && service.members().every((member) => member.state === 'alive'));
  await waitFor(allAlive, 2000);
  expect(services[0]!.members().find((member) => member.self)).toMatchObject({ heartbeatAgeMs: 0, connected: true });
  expect(services[0]!.receive(ids[1]!, { type: 'kv.get' })).toBe(false);

  services[0]!.setMetadata({ keys: 5 });
  await waitFor(() => services[1]!.members().find((member) => member.nodeId === ids[0])?.metadata.keys === 5, 3 * CONFIG.probeIntervalMs * 3);

  const leaver = services.shift()!;
  await leaver.close();
  await network.get(ids[0]!)!.close();
  await waitFor(() => services.every((service) => service.members().find((member) => member.nodeId === ids[0])?.state === 'left'), 2000);
  expect(events.some((event) => event.type === 'memberChanged' && event.member.state === 'dead')).toBe(false);
  expect(services[0]!.ringMemberIds()).toEqual([ids[1]!, ids[2]!]);
});
