// Several membership state machines on a simulated network (simulated-network.test-harness.ts): one
// manual clock, seeded latency and loss. Each scenario runs over many seeds; measured figures are noted
// beside the bounds they justify.

import { describe, expect, test } from 'bun:test';
import { retransmitLimit } from './broadcast-queue';
import { membershipProfiles } from './membership-config';
import { ringMemberIds } from './membership-view';
import { SimulatedNetwork, simulatedNodeId, START_MS, type SentMessage } from './simulated-network.test-harness';

const SEEDS = Array.from({ length: 20 }, (_, index) => 1000 + index);
const DETECTION_MS_MAX = 5000;

function converged(network: SimulatedNetwork): boolean {
  return network.ids.every((observer) => network.ids.every((nodeId) => network.view(observer, nodeId)?.state === 'alive'));
}

/** When each running observer first saw `nodeId` in `state` after `sinceMs`, or undefined if never. */
function firstSeen(network: SimulatedNetwork, nodeId: string, state: string, sinceMs: number): Map<string, number | undefined> {
  const seen = new Map<string, number | undefined>();
  for (const observer of network.ids.filter((id) => id !== nodeId && network.nodes.get(id)!.running)) {
    seen.set(observer, network.verdicts.find((verdict) => verdict.observer === observer && verdict.nodeId === nodeId && verdict.state === state && verdict.atMs >= sinceMs)?.atMs);
  }
  return seen;
}

function deadVerdicts(network: SimulatedNetwork): number {
  return network.verdicts.filter((verdict) => verdict.state === 'dead').length;
}

describe('membership simulation: convergence', () => {
  test.each(SEEDS.slice(0, 5))('5 nodes started together see each other alive within a second (seed %i)', (seed) => {
    const network = new SimulatedNetwork({ size: 5, seed });
    network.runFor(1000);
    expect(converged(network)).toBe(true);
    network.runFor(30_000);
    expect(converged(network)).toBe(true);
    expect(network.verdicts.filter((verdict) => verdict.state !== 'alive')).toEqual([]);
  });

  test('a 20-node cluster converges and stays quiet', () => {
    const network = new SimulatedNetwork({ size: 20, seed: 7 });
    network.runFor(2000);
    expect(converged(network)).toBe(true);
    network.runFor(20_000);
    expect(deadVerdicts(network)).toBe(0);
  });
});

describe('membership simulation: a crashed node', () => {
  function detection(seed: number, size: number, connectionsClose: boolean): number[] {
    const network = new SimulatedNetwork({ size, seed });
    network.runFor(3000 + (seed % 10) * 37);
    const victim = network.ids[seed % size]!;
    const crashedAtMs = network.nowMs;
    network.crash(victim, connectionsClose);
    network.runFor(15_000);
    const seen = [...firstSeen(network, victim, 'dead', crashedAtMs).values()];
    expect(seen.every((atMs) => atMs !== undefined)).toBe(true);
    return seen.map((atMs) => atMs! - crashedAtMs);
  }

  // Measured over these 20 seeds, a silent crash (connections stay up, as a UDP-based stream's do for a
  // while): 5 nodes mean 2.4 s, worst 2.9 s; 9 nodes mean 2.5 s, worst 3.9 s; 5 nodes whose connections
  // close, worst 2.5 s. Over 100 seeds: worst 3.0 s (3 nodes), 3.5 s (5), 3.8 s (9), but 5.3 s (16): the
  // 5 s bound holds for clusters of about ten. Set MEMBERSHIP_REPORT=1 to print the figures.
  test.each([
    [5, false],
    [9, false],
    [5, true],
  ])(`is declared dead by every other node within ${DETECTION_MS_MAX} ms (%i nodes, connections close: %p)`, (size, connectionsClose) => {
    const times = SEEDS.flatMap((seed) => detection(seed, size, connectionsClose));
    const worst = Math.max(...times);
    if (process.env.MEMBERSHIP_REPORT) process.stdout.write(`detection ${size} nodes close=${connectionsClose}: mean ${(times.reduce((a, b) => a + b, 0) / times.length).toFixed(0)} ms, worst ${worst} ms\n`);
    expect(worst).toBeLessThanOrEqual(DETECTION_MS_MAX);
  });
});

describe('membership simulation: suspicion and refutation', () => {
  // Measured over 100 seeds: a 1 s stall is suspected in 92 runs and never declared dead; no stall up to
  // 1.5 s ever was (50 seeds); a 2 s stall was declared dead, then refuted back to alive, in 34 of 50.
  test.each(SEEDS.slice(0, 10))('a node stalled for a second is suspected, refutes, and is never declared dead (seed %i)', (seed) => {
    const network = new SimulatedNetwork({ size: 5, seed });
    network.runFor(3000);
    const victim = network.ids[seed % 5]!;
    const before = network.view(victim, victim)!.incarnation;
    network.stall(victim, 1000);
    network.runFor(10_000);
    expect(deadVerdicts(network)).toBe(0);
    expect(converged(network)).toBe(true);
    const refuted = network.view(victim, victim)!.incarnation;
    const suspected = network.verdicts.some((verdict) => verdict.nodeId === victim && verdict.state === 'suspect');
    if (suspected) expect(refuted).toBeGreaterThan(before);
    for (const observer of network.ids) expect(network.view(observer, victim)!.incarnation).toBe(refuted);
  });

  test('a false suspicion injected by gossip is refuted everywhere before any timer fires', () => {
    const network = new SimulatedNetwork({ size: 5, seed: 3 });
    network.runFor(3000);
    const [accuser, victim] = network.ids as [string, string];
    const incarnation = network.view(accuser, victim)!.incarnation;
    network.inject(accuser, { type: 'tick' });
    const view = network.nodes.get(accuser)!.state.members.get(victim)!;
    network.inject(network.ids[2]!, {
      type: 'message',
      from: accuser,
      message: { type: 'membershipPush', pullWanted: false, updates: [{ ...view, state: 'suspect', incarnation, from: accuser }] },
    });
    network.runFor(6000);
    expect(deadVerdicts(network)).toBe(0);
    expect(network.view(victim, victim)!.incarnation).toBeGreaterThan(incarnation);
    expect(converged(network)).toBe(true);
  });

  test('busy nodes (stalls of 200 to 900 ms, often, on every node) are never declared dead', () => {
    let suspicions = 0;
    for (const seed of SEEDS.slice(0, 5)) {
      const network = new SimulatedNetwork({ size: 5, seed });
      network.runFor(2000);
      let nextStallMs = network.nowMs;
      let turn = 0;
      network.runFor(60_000, () => {
        if (network.nowMs < nextStallMs) return;
        turn += 1;
        network.stall(network.ids[(turn * 7 + seed) % 5]!, 200 + ((turn * 53) % 700));
        nextStallMs = network.nowMs + 150 + ((turn * 31) % 200);
      });
      expect(deadVerdicts(network)).toBe(0);
      suspicions += network.verdicts.filter((verdict) => verdict.state === 'suspect').length;
    }
    if (process.env.MEMBERSHIP_REPORT) process.stdout.write(`busy cluster: ${suspicions} suspect verdicts over 5 x 60 s, 0 dead\n`);
  });
});

describe('membership simulation: restarts, leaves and loss', () => {
  test.each(SEEDS.slice(0, 5))('a restarted node rejoins alive with a higher incarnation (seed %i)', (seed) => {
    const network = new SimulatedNetwork({ size: 5, seed });
    network.runFor(3000);
    const victim = network.ids[seed % 5]!;
    const before = network.view(victim, victim)!.incarnation;
    network.crash(victim);
    network.runFor(8000);
    for (const observer of network.ids.filter((id) => id !== victim)) expect(network.view(observer, victim)!.state).toBe('dead');
    network.start(victim);
    network.runFor(2000);
    expect(converged(network)).toBe(true);
    const after = network.view(victim, victim)!.incarnation;
    expect(after).toBeGreaterThan(before);
    for (const observer of network.ids) expect(network.view(observer, victim)).toEqual({ state: 'alive', incarnation: after });
  });

  test('after a partition heals (connections never dropped), both sides see each other alive again', () => {
    const network = new SimulatedNetwork({ size: 5, seed: 13 });
    network.runFor(3000);
    const [minority, majority] = [network.ids.slice(0, 2), network.ids.slice(2)];
    network.partition(minority, majority);
    network.runFor(10_000);
    for (const observer of minority) for (const nodeId of majority) expect(network.view(observer, nodeId)?.state).toBe('dead');
    network.heal();
    // Piggybacking carries no news about members one thinks dead; the periodic table push (to any
    // connected peer, the dead included) does. Measured: mostly healed after 10 s, fully after 20 s.
    network.runFor(2 * network.config.syncIntervalMs + 3000);
    expect(converged(network)).toBe(true);
  });

  // A node coming back from a partition still holds its verdicts on the other side and gossips them.
  // Seen in a 3-node `swarmkv up` cluster before the fix: for 10-70 ms after a heal, a majority-side
  // node took the healed node's word that its majority-side peer was dead, and a quorum write through
  // it was refused. Death news about a member heard from first hand since any suspicion of it could
  // have begun is only a suspicion, which the member refutes.
  test.each(SEEDS.slice(0, 10))('after a heal, nodes that never lost each other never call each other dead (seed %i)', (seed) => {
    const network = new SimulatedNetwork({ size: 3, seed, config: membershipProfiles.local });
    network.runFor(3000);
    const [cutOff, ...rest] = network.ids;
    network.partition([cutOff!], rest, true);
    network.runFor(10_000);
    for (const nodeId of rest) expect(network.view(cutOff!, nodeId)?.state).toBe('dead');
    const healedAtMs = network.nowMs;
    network.heal();
    network.runFor(5000);
    expect(converged(network)).toBe(true);
    const falseDeaths = network.verdicts.filter((verdict) => verdict.atMs >= healedAtMs && verdict.state === 'dead');
    expect(falseDeaths).toEqual([]);
  });

  test('a leaving node is seen as left by everyone, never as dead', () => {
    const network = new SimulatedNetwork({ size: 5, seed: 11 });
    network.runFor(3000);
    const leaver = network.ids[1]!;
    const leftAtMs = network.nowMs;
    network.inject(leaver, { type: 'leave' });
    network.runFor(1000);
    network.crash(leaver);
    network.runFor(10_000);
    const seen = [...firstSeen(network, leaver, 'left', leftAtMs).values()];
    expect(seen.every((atMs) => atMs !== undefined && atMs - leftAtMs < 1000)).toBe(true);
    expect(deadVerdicts(network)).toBe(0);
  });

  // Measured over 100 seeds x 5 minutes: 0 dead verdicts, and 86 suspect verdicts per run on average
  // (some 20 suspicions, each seen by four nodes), every one refuted.
  test.each(SEEDS.slice(0, 5))('with 10%% message loss, no false dead verdict over 5 minutes (seed %i)', (seed) => {
    const network = new SimulatedNetwork({ size: 5, seed, lossRate: 0.1 });
    network.runFor(3000);
    network.runFor(300_000);
    expect(deadVerdicts(network)).toBe(0);
    expect(converged(network)).toBe(true);
    if (process.env.MEMBERSHIP_REPORT) process.stdout.write(`10% loss seed ${seed}: ${network.verdicts.filter((verdict) => verdict.state === 'suspect').length} suspect verdicts in 5 min, 0 dead\n`);
  });

  test.each(SEEDS.slice(0, 5))('a node joining after a crash learns the dead member as dead, so its ring has every member the others have (seed %i)', (seed) => {
    const network = new SimulatedNetwork({ size: 4, seed });
    network.runFor(3000);
    const crashed = network.ids[3]!;
    network.crash(crashed);
    network.runFor(15_000);
    expect(network.ids.slice(0, 3).map((observer) => network.view(observer, crashed)?.state)).toEqual(['dead', 'dead', 'dead']);
    const joiner = simulatedNodeId(4);
    network.start(joiner);
    network.runFor(5000);
    expect(network.view(joiner, crashed)?.state).toBe('dead');
    const ringOf = (observer: string) => ringMemberIds(network.nodes.get(observer)!.state);
    for (const observer of network.ids.filter((id) => id !== crashed)) expect(ringOf(observer)).toEqual(ringOf(network.ids[0]!));
    expect(ringOf(joiner)).toContain(crashed);
  });

  test('with 10% loss a crash is still detected everywhere', () => {
    const network = new SimulatedNetwork({ size: 5, seed: 5, lossRate: 0.1 });
    network.runFor(3000);
    const crashedAtMs = network.nowMs;
    network.crash(network.ids[4]!);
    network.runFor(15_000);
    const seen = [...firstSeen(network, network.ids[4]!, 'dead', crashedAtMs).values()];
    expect(seen.every((atMs) => atMs !== undefined && atMs - crashedAtMs <= 2 * DETECTION_MS_MAX)).toBe(true);
  });
});

describe('membership simulation: piggybacking', () => {
  /** Piggybacked copies of each update per sender, leaving out the buddy copies sent to the subject itself. */
  function piggybackCounts(sent: SentMessage[]): number[] {
    const counts = new Map<string, number>();
    for (const { from, to, message } of sent) {
      // Table pushes carry the whole table on purpose; they are not retransmits.
      if (message.type === 'membershipPush' || message.type === 'membershipNack') continue;
      for (const update of message.updates) {
        if (update.nodeId === to) continue;
        const key = `${from}/${update.nodeId}/${update.state}/${update.incarnation}/${update.from}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    return [...counts.values()];
  }

  test('each node piggybacks each update at most lambda * ceil(log10(n + 1)) times', () => {
    const network = new SimulatedNetwork({ size: 5, seed: 21 });
    network.runFor(3000);
    network.crash(network.ids[0]!);
    network.runFor(10_000);
    const restartedAtMs = network.nowMs;
    network.start(network.ids[0]!);
    network.runFor(5000);
    // The restarted node is a new life with a fresh queue: count its two lives apart.
    const counts = [
      ...piggybackCounts(network.sent.filter((sent) => sent.atMs < restartedAtMs)),
      ...piggybackCounts(network.sent.filter((sent) => sent.atMs >= restartedAtMs)),
    ];
    expect(counts.length).toBeGreaterThan(10);
    expect(Math.max(...counts)).toBeLessThanOrEqual(retransmitLimit(membershipProfiles.lan.gossipRetransmitMultiplier, 5));
  });

  test('in a quiet cluster pings and acks carry nothing once the news has spread', () => {
    const network = new SimulatedNetwork({ size: 5, seed: 22 });
    network.runFor(10_000);
    const late = network.sent.filter((sent) => sent.atMs > START_MS + 5000 && sent.message.type !== 'membershipPush');
    expect(late.length).toBeGreaterThan(50);
    expect(late.every((sent) => sent.message.type === 'membershipNack' || sent.message.updates.length === 0)).toBe(true);
  });
});
