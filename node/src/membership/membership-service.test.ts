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
  #cut = false;

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

  /** Silences this node both ways, as a kill -9 does: nothing reaches it, nothing leaves it. */
  cut(): void {
    this.#cut = true;
    this.#network.delete(this.localNodeId);
  }

  send(toNodeId: string, message: PeerMessage): boolean {
    if (this.#cut) return false;
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

/** Starts a service per id over one in-memory network (into `services`), every pair connected. */
async function startConnected(ids: readonly string[], onEvent?: (event: MemberEvent) => void): Promise<Map<string, LoopbackTransport>> {
  const network = new Map<string, LoopbackTransport>();
  for (const [index, nodeId] of ids.entries()) {
    const transport = new LoopbackTransport(nodeId, network);
    const service = new MembershipService({ self: { nodeId, name: `node-${index}`, httpAddress: `127.0.0.1:${7100 + index}` }, config: CONFIG, transport, clock: systemClock, seed: index });
    if (onEvent) service.onMemberEvent(onEvent);
    await transport.start({
      onPeerUp: (peer) => service.peerUp(peer.nodeId),
      onPeerDown: (nodeId) => service.peerDown(nodeId),
      onMessage: (from, message) => void service.receive(from, message),
    });
    service.start();
    services.push(service);
  }
  for (const transport of network.values()) for (const peer of ids) if (peer !== transport.localNodeId) transport.handlers!.onPeerUp({ nodeId: peer, name: peer, httpAddress: 'x:1', protocolVersion: 1 });
  return network;
}

test('three services over an in-memory Transport converge, and a closing one is seen to leave', async () => {
  const ids = ['00000000000000f1', '00000000000000f2', '00000000000000f3'];
  const events: MemberEvent[] = [];
  const network = await startConnected(ids, (event) => events.push(event));

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

test('a silent member is reported suspect and then dead with why, and how long it has been so', async () => {
  const ids = ['00000000000000e1', '00000000000000e2', '00000000000000e3'];
  const network = await startConnected(ids);
  await waitFor(() => services.every((service) => service.members().length === 3 && service.members().every((member) => member.state === 'alive')), 2000);
  expect(services[0]!.members().every((member) => member.cause === null)).toBe(true);

  // node-2 goes silent as a killed process does: no leave, its messages no longer delivered either way.
  network.get(ids[2]!)!.cut();
  const seenBy = (service: MembershipService) => service.members().find((member) => member.nodeId === ids[2])!;
  await waitFor(() => services.slice(0, 2).some((service) => seenBy(service).state === 'suspect' && seenBy(service).cause?.by === 'probe'), 5000);
  const prober = services.slice(0, 2).find((service) => seenBy(service).cause?.by === 'probe')!;
  const suspected = seenBy(prober);
  expect(suspected.state).toBe('suspect');
  // It asked the one other member to ping node-2 on its behalf, which could not reach it either.
  const otherSurvivor = prober === services[0] ? ids[1] : ids[0];
  expect(suspected.cause).toMatchObject({ by: 'probe', helpers: [otherSurvivor] });
  expect(suspected.stateAgeMs).toBeGreaterThanOrEqual(0);
  expect(suspected.stateAgeMs).toBeLessThan(CONFIG.suspicionTimeoutMaxMs * 2);

  await waitFor(() => services.slice(0, 2).every((service) => seenBy(service).state === 'dead'), CONFIG.suspicionTimeoutMaxMs * 4);
  const causes = services.slice(0, 2).map((service) => seenBy(service).cause?.by);
  // Each survivor either ran out its own suspicion or heard the other's verdict first.
  for (const by of causes) expect(['timeout', 'gossip']).toContain(by ?? 'none');
  // Dead because its own suspicion ran out, the prober still says what made it suspect.
  const dead = seenBy(prober);
  if (dead.cause?.by === 'timeout') expect(dead.suspicionCause).toMatchObject({ by: 'probe', helpers: [otherSurvivor] });
  else expect(dead.suspicionCause).toBeNull();
  // Counted by state and cause: the prober's own failed probe, then the death by timeout or gossip.
  const counts = new Map(prober.changeCounts().map(({ state, by, count }) => [`${state} ${by}`, count]));
  expect(counts.get('suspect probe')).toBeGreaterThanOrEqual(1);
  expect((counts.get('dead timeout') ?? 0) + (counts.get('dead gossip') ?? 0)).toBe(1);
  expect(counts.get('alive none')).toBeGreaterThanOrEqual(2);
  // The survivors themselves are alive, with nothing to explain.
  expect(services[0]!.members().filter((member) => member.nodeId !== ids[2]).every((member) => member.state === 'alive' && member.cause === null)).toBe(true);
  await services.pop()!.close();
}, 20_000);
