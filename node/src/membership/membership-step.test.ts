import { describe, expect, test } from 'bun:test';
import type { MemberUpdate } from './member';
import { membershipProfiles } from './membership-config';
import type { MembershipEffect } from './membership-effect';
import type { MembershipEvent } from './membership-event';
import { initialMembershipState, type MembershipState } from './membership-state';
import { membershipStep, nextDeadlineMs } from './membership-step';
import type { MembershipMessage } from './messages';

const CONFIG = membershipProfiles.lan;
const T0 = 1_700_000_000_000;
/** Late enough after cluster()'s members were last heard (at T0) for death news about them to be believed. */
const SILENT_SINCE_T0_MS = T0 + CONFIG.suspicionTimeoutMinMs;
const SELF = '00000000000000a0';
const PEERS = ['00000000000000b1', '00000000000000b2', '00000000000000b3', '00000000000000b4'];

function alive(nodeId: string, incarnation = 1): MemberUpdate {
  return { nodeId, name: `n-${nodeId.slice(-2)}`, httpAddress: `10.0.0.${parseInt(nodeId.slice(-1), 16)}:7070`, state: 'alive', incarnation, from: nodeId };
}

function run(state: MembershipState, event: MembershipEvent, nowMs: number) {
  return membershipStep(state, event, nowMs);
}

function message(from: string, body: MembershipMessage): MembershipEvent {
  return { type: 'message', from, message: body };
}

function sends(effects: MembershipEffect[]): { to: string; message: MembershipMessage }[] {
  return effects.flatMap((effect) => (effect.type === 'send' ? [{ to: effect.to, message: effect.message }] : []));
}

/** This node with four alive, connected peers, the start-up pushes already sent and the queue empty. */
function cluster(): MembershipState {
  let state = initialMembershipState({ self: { nodeId: SELF, name: 'self', httpAddress: '10.0.0.10:7070' }, config: CONFIG, incarnation: 1, seed: 42, nowMs: T0 });
  for (const peer of PEERS) state = run(state, { type: 'peerConnected', nodeId: peer }, T0).state;
  state = run(state, message(PEERS[0]!, { type: 'membershipPush', updates: PEERS.map((peer) => alive(peer)), pullWanted: false }), T0).state;
  return { ...state, broadcasts: new Map() };
}

/** Ticks at the first probe and returns the state, the target and the ping's sequence. */
function startProbe(state = cluster()) {
  const { state: probing, effects } = run(state, { type: 'tick' }, T0 + CONFIG.probeIntervalMs);
  const [ping] = sends(effects).filter((sent) => sent.message.type === 'membershipPing');
  expect(ping).toBeDefined();
  const sequence = (ping!.message as { sequence: number }).sequence;
  return { state: probing, target: ping!.to, sequence, startMs: T0 + CONFIG.probeIntervalMs };
}

describe('probe rounds', () => {
  test('nothing is due before the probe interval; then exactly one member is pinged', () => {
    const state = cluster();
    expect(nextDeadlineMs(state)).toBe(T0 + CONFIG.probeIntervalMs);
    expect(sends(run(state, { type: 'tick' }, T0 + CONFIG.probeIntervalMs - 1).effects)).toEqual([]);
    const { state: probing, target, startMs } = startProbe(state);
    expect(PEERS).toContain(target);
    expect(nextDeadlineMs(probing)).toBe(startMs + CONFIG.probeTimeoutMs);
  });

  test('an ack closes the round: no ping-req, no suspicion', () => {
    const { state, target, sequence, startMs } = startProbe();
    const acked = run(state, message(target, { type: 'membershipAck', sequence, updates: [], metadata: { keys: 3 } }), startMs + 5).state;
    expect(acked.probe).toBeUndefined();
    expect(acked.members.get(target)).toMatchObject({ lastHeardAtMs: startMs + 5, metadata: { keys: 3 } });
    const later = run(acked, { type: 'tick' }, startMs + CONFIG.probeIntervalMs - 1);
    expect(later.effects).toEqual([]);
  });

  test('no ack: ping-req to K others after the timeout, suspicion when the period ends', () => {
    const { state, target, sequence, startMs } = startProbe();
    const indirect = run(state, { type: 'tick' }, startMs + CONFIG.probeTimeoutMs);
    const requests = sends(indirect.effects);
    expect(requests).toHaveLength(CONFIG.indirectProbeCount);
    for (const request of requests) expect(request.message).toMatchObject({ type: 'membershipPingReq', sequence, target });
    expect(new Set(requests.map((request) => request.to)).has(target)).toBe(false);
    const ended = run(indirect.state, { type: 'tick' }, startMs + CONFIG.probeIntervalMs);
    expect(ended.state.members.get(target)?.state).toBe('suspect');
    expect(ended.state.suspicions.get(target)?.accusers).toEqual([SELF]);
    expect(ended.effects).toContainEqual(expect.objectContaining({ type: 'memberChanged', previousState: 'alive' }));
    // Nobody nacked: this node suspects itself of slowness and stretches its timings (Lifeguard).
    expect(ended.state.localHealth).toBe(CONFIG.localHealthMax - 1);
  });

  test('nacks from every helper keep local health at zero; a relayed ack counts as an ack', () => {
    const { state, target, sequence, startMs } = startProbe();
    let current = run(state, { type: 'tick' }, startMs + CONFIG.probeTimeoutMs).state;
    const helpers = PEERS.filter((peer) => peer !== target);
    for (const helper of helpers) current = run(current, message(helper, { type: 'membershipNack', sequence }), startMs + 400).state;
    expect(run(current, { type: 'tick' }, startMs + CONFIG.probeIntervalMs).state.localHealth).toBe(0);
    const relayed = run(current, message(helpers[0]!, { type: 'membershipAck', sequence, updates: [], metadata: {} }), startMs + 450).state;
    expect(relayed.probe).toBeUndefined();
    expect(relayed.members.get(target)?.lastHeardAtMs).toBe(startMs + 450);
  });

  test('a lost connection is a hint: that member is probed next, indirectly, at once', () => {
    const state = cluster();
    const hinted = run(state, { type: 'peerDisconnected', nodeId: PEERS[2]! }, T0 + 10).state;
    expect(hinted.members.get(PEERS[2]!)?.state).toBe('alive');
    expect(nextDeadlineMs(hinted)).toBe(T0 + 10);
    const probed = run(hinted, { type: 'tick' }, T0 + 10);
    expect(probed.state.probe?.target).toBe(PEERS[2]);
    expect(sends(probed.effects).every((sent) => sent.message.type === 'membershipPingReq' && sent.to !== PEERS[2])).toBe(true);
    expect(sends(probed.effects)).toHaveLength(CONFIG.indirectProbeCount);
  });

  test('round-robin: every member is probed once per pass', () => {
    let state = cluster();
    const targets: string[] = [];
    for (let round = 1; round <= PEERS.length * 2; round++) {
      const at = T0 + round * CONFIG.probeIntervalMs;
      const { state: next, effects } = run(state, { type: 'tick' }, at);
      const ping = sends(effects).find((sent) => sent.message.type === 'membershipPing')!;
      targets.push(ping.to);
      state = run(next, message(ping.to, { type: 'membershipAck', sequence: (ping.message as { sequence: number }).sequence, updates: [], metadata: {} }), at + 1).state;
    }
    expect(targets.slice(0, 4).sort()).toEqual([...PEERS].sort());
    expect(targets.slice(4).sort()).toEqual([...PEERS].sort());
  });
});

describe('answering peers', () => {
  test('a ping gets an ack with its sequence, our metadata, and the bad news about the sender (buddy)', () => {
    let state = run(cluster(), { type: 'setMetadata', metadata: { keys: 12 } }, T0).state;
    state = run(state, message(PEERS[0]!, { type: 'membershipPush', updates: [{ ...alive(PEERS[1]!), state: 'suspect', from: PEERS[0]! }], pullWanted: false }), T0).state;
    const { effects } = run(state, message(PEERS[1]!, { type: 'membershipPing', sequence: 77, updates: [], metadata: {} }), T0 + 1);
    const [ack] = sends(effects);
    expect(ack).toMatchObject({ to: PEERS[1], message: { type: 'membershipAck', sequence: 77, metadata: { keys: 12 } } });
    expect((ack!.message as { updates: readonly MemberUpdate[] }).updates[0]).toMatchObject({ nodeId: PEERS[1], state: 'suspect' });
  });

  test('announced metadata goes out at once in a ping to every reachable member; its acks end no probe', () => {
    const { state: probing, target, sequence } = startProbe();
    const announced = run(probing, { type: 'setMetadata', metadata: { ring: 'r2' }, announce: true }, T0 + CONFIG.probeIntervalMs + 1);
    const pings = sends(announced.effects);
    expect(pings.map((sent) => sent.to).sort()).toEqual([...PEERS].sort());
    expect(pings.every((sent) => sent.message.type === 'membershipPing' && sent.message.updates.length === 0 && sent.message.metadata.ring === 'r2')).toBe(true);
    const announceSequence = (pings.find((sent) => sent.to === target)!.message as { sequence: number }).sequence;
    expect(announceSequence).not.toBe(sequence);
    // The target's ack to the announcement brings its metadata, and the probe still waits for its own.
    const acked = run(announced.state, message(target, { type: 'membershipAck', sequence: announceSequence, updates: [], metadata: { ring: 'r2' } }), T0 + CONFIG.probeIntervalMs + 2);
    expect(acked.effects).toContainEqual({ type: 'metadataChanged', nodeId: target });
    expect(acked.state.probe?.sequence).toBe(sequence);
    // Without `announce`, the change waits for the next pings and acks.
    expect(sends(run(probing, { type: 'setMetadata', metadata: { ring: 'r2' } }, T0 + CONFIG.probeIntervalMs + 1).effects)).toEqual([]);
  });

  test('a ping-req is relayed: ping the target, forward its ack under the requester sequence', () => {
    const requester = PEERS[0]!;
    const target = PEERS[1]!;
    const relaying = run(cluster(), message(requester, { type: 'membershipPingReq', sequence: 9, target, updates: [] }), T0);
    const [ping] = sends(relaying.effects);
    expect(ping).toMatchObject({ to: target, message: { type: 'membershipPing' } });
    const ownSequence = (ping!.message as { sequence: number }).sequence;
    const forwarded = run(relaying.state, message(target, { type: 'membershipAck', sequence: ownSequence, updates: [], metadata: {} }), T0 + 3);
    expect(sends(forwarded.effects)).toEqual([
      { to: requester, message: expect.objectContaining({ type: 'membershipAck', sequence: 9 }) },
    ]);
    expect(forwarded.state.relays.size).toBe(0);
  });

  test('a ping-req for a target we cannot reach is nacked at once; a silent one after the nack budget', () => {
    const state = run(cluster(), { type: 'peerDisconnected', nodeId: PEERS[1]! }, T0).state;
    const unreachable = run(state, message(PEERS[0]!, { type: 'membershipPingReq', sequence: 4, target: PEERS[1]!, updates: [] }), T0);
    expect(sends(unreachable.effects)).toEqual([{ to: PEERS[0]!, message: { type: 'membershipNack', sequence: 4 } }]);
    const silent = run(cluster(), message(PEERS[0]!, { type: 'membershipPingReq', sequence: 5, target: PEERS[2]!, updates: [] }), T0);
    const nackAtMs = nextDeadlineMs(silent.state);
    expect(nackAtMs).toBe(T0 + (CONFIG.probeIntervalMs - CONFIG.probeTimeoutMs) / 2);
    expect(sends(run(silent.state, { type: 'tick' }, nackAtMs).effects)).toContainEqual({ to: PEERS[0]!, message: { type: 'membershipNack', sequence: 5 } });
  });

  test('a new connection exchanges tables: we push ours and ask for theirs; a pull is answered', () => {
    const state = cluster();
    const connected = run(state, { type: 'peerConnected', nodeId: '00000000000000c9' }, T0);
    const [push] = sends(connected.effects);
    expect(push!.message).toMatchObject({ type: 'membershipPush', pullWanted: true });
    expect((push!.message as { updates: readonly MemberUpdate[] }).updates).toHaveLength(5);
    const pulled = run(state, message(PEERS[0]!, { type: 'membershipPush', updates: [], pullWanted: true }), T0);
    expect(sends(pulled.effects).map((sent) => sent.message)).toEqual([expect.objectContaining({ type: 'membershipPush', pullWanted: false })]);
  });
});

describe('suspicion, leaving and forgetting', () => {
  function suspectedBy(accusers: string[]): MembershipState {
    let state = cluster();
    for (const accuser of accusers) {
      state = run(state, message(PEERS[0]!, { type: 'membershipPush', updates: [{ ...alive(PEERS[3]!), state: 'suspect', from: accuser }], pullWanted: false }), T0).state;
    }
    return state;
  }

  test.each([
    [1, CONFIG.suspicionTimeoutMaxMs],
    [3, Math.floor(CONFIG.suspicionTimeoutMaxMs - (Math.log(3) / Math.log(4)) * (CONFIG.suspicionTimeoutMaxMs - CONFIG.suspicionTimeoutMinMs))],
    [4, CONFIG.suspicionTimeoutMinMs],
  ])('with %i accusers the suspect is declared dead after %i ms', (accuserCount, timeoutMs) => {
    const state = suspectedBy([PEERS[0]!, PEERS[1]!, PEERS[2]!, '00000000000000c9'].slice(0, accuserCount));
    expect(state.suspicions.get(PEERS[3]!)?.expected).toBe(3);
    const before = run(state, { type: 'tick' }, T0 + timeoutMs - 1).state;
    expect(before.members.get(PEERS[3]!)?.state).toBe('suspect');
    const after = run(before, { type: 'tick' }, T0 + timeoutMs);
    expect(after.state.members.get(PEERS[3]!)?.state).toBe('dead');
    expect(after.state.broadcasts.get(PEERS[3]!)?.update).toMatchObject({ state: 'dead', from: SELF });
  });

  test('leaving announces left to K members and stops probing', () => {
    const left = run(cluster(), { type: 'leave' }, T0);
    expect(left.state.members.get(SELF)?.state).toBe('left');
    const gossip = sends(left.effects);
    expect(gossip).toHaveLength(CONFIG.indirectProbeCount);
    for (const sent of gossip) expect(sent.message).toMatchObject({ type: 'membershipGossip', updates: [{ nodeId: SELF, state: 'left' }] });
    const later = run(left.state, { type: 'tick' }, T0 + 10 * CONFIG.probeIntervalMs);
    expect(sends(later.effects).some((sent) => sent.message.type === 'membershipPing')).toBe(false);
  });

  test('members that left are forgotten after the retention period; dead ones keep their place until removed', () => {
    const updates: MemberUpdate[] = [
      { ...alive(PEERS[3]!), state: 'left' },
      { ...alive(PEERS[2]!), state: 'dead', from: PEERS[0]! },
    ];
    const state = run(cluster(), message(PEERS[0]!, { type: 'membershipPush', updates, pullWanted: false }), SILENT_SINCE_T0_MS).state;
    expect(state.members.get(PEERS[2]!)?.state).toBe('dead');
    const later = run(state, { type: 'tick' }, SILENT_SINCE_T0_MS + CONFIG.departedRetentionMs);
    expect(later.state.members.has(PEERS[3]!)).toBe(false);
    expect(later.effects).toContainEqual({ type: 'memberRemoved', nodeId: PEERS[3]! });
    expect(later.state.members.get(PEERS[2]!)?.state).toBe('dead');
  });

  test('a dead member removed leaves the ring for good: gossiped, and no later alive brings it back', () => {
    const dead = run(cluster(), message(PEERS[0]!, { type: 'membershipGossip', updates: [{ ...alive(PEERS[3]!), state: 'dead', from: PEERS[0]! }] }), SILENT_SINCE_T0_MS).state;
    const removed = run(dead, { type: 'remove', nodeId: PEERS[3]! }, SILENT_SINCE_T0_MS + 1);
    expect(removed.state.members.get(PEERS[3]!)?.state).toBe('removed');
    expect(removed.state.broadcasts.has(PEERS[3]!)).toBe(true);
    const restarted = run(removed.state, message(PEERS[3]!, { type: 'membershipGossip', updates: [alive(PEERS[3]!, 99)] }), SILENT_SINCE_T0_MS + 2).state;
    expect(restarted.members.get(PEERS[3]!)?.state).toBe('removed');
    const later = run(restarted, { type: 'tick' }, T0 + CONFIG.departedRetentionMs * 2).state;
    expect(later.members.get(PEERS[3]!)?.state).toBe('removed');
  });

  test('removal is refused by the machine for an up member, and heard of by others even for a stranger', () => {
    const state = cluster();
    expect(run(state, { type: 'remove', nodeId: PEERS[1]! }, T0).state.members.get(PEERS[1]!)?.state).toBe('alive');
    const stranger = '00000000000000c5';
    const heard = run(state, message(PEERS[0]!, { type: 'membershipGossip', updates: [{ ...alive(stranger), state: 'removed', from: PEERS[0]! }] }), T0).state;
    expect(heard.members.get(stranger)?.state).toBe('removed');
  });

  test('a node that hears it was removed does not refute: it stops', () => {
    const state = cluster();
    const { state: next, effects } = run(state, message(PEERS[0]!, { type: 'membershipPush', updates: [{ nodeId: SELF, name: 'self', httpAddress: '10.0.0.10:7070', state: 'removed', incarnation: 1, from: PEERS[0]! }], pullWanted: false }), T0);
    expect(next.members.get(SELF)?.state).toBe('removed');
    expect(effects).toContainEqual({ type: 'removedFromCluster', from: PEERS[0]! });
    expect(next.broadcasts.has(SELF)).toBe(false);
  });

  test('a transition never modifies the state it was given', () => {
    const state = cluster();
    const snapshot = JSON.stringify([...state.members.entries()]);
    const { state: next } = run(state, message(PEERS[0]!, { type: 'membershipPush', updates: [{ ...alive(PEERS[1]!), state: 'dead', from: PEERS[0]! }], pullWanted: false }), T0);
    run(next, { type: 'tick' }, T0 + CONFIG.probeIntervalMs);
    expect(JSON.stringify([...state.members.entries()])).toBe(snapshot);
    expect(state.broadcasts.size).toBe(0);
  });
});

describe('every verdict says why (the cause the log line carries)', () => {
  const causes = (effects: MembershipEffect[]) => effects.flatMap((effect) => (effect.type === 'memberChanged' ? [{ nodeId: effect.member.nodeId, state: effect.member.state, cause: effect.cause }] : []));

  test('a failed probe names the helpers asked and their nacks; a suspicion that runs out, how long and how many accused', () => {
    const { state, target, sequence, startMs } = startProbe();
    const indirect = run(state, { type: 'tick' }, startMs + CONFIG.probeTimeoutMs);
    const helpers = sends(indirect.effects).map((sent) => sent.to);
    const nacked = run(indirect.state, message(helpers[0]!, { type: 'membershipNack', sequence }), startMs + CONFIG.probeTimeoutMs + 5).state;
    const ended = run(nacked, { type: 'tick' }, startMs + CONFIG.probeIntervalMs);
    expect(causes(ended.effects)).toEqual([{ nodeId: target, state: 'suspect', cause: { by: 'probe', helpers, nacks: 1 } }]);
    const deadline = startMs + CONFIG.probeIntervalMs + CONFIG.suspicionTimeoutMaxMs;
    const dead = run(ended.state, { type: 'tick' }, deadline);
    // (Other rounds ran meanwhile, on other members: only the target's change is looked at.)
    expect(causes(dead.effects).filter((change) => change.nodeId === target)).toEqual([{ nodeId: target, state: 'dead', cause: { by: 'timeout', suspectMs: CONFIG.suspicionTimeoutMaxMs, accusers: 1 } }]);
  });

  test('another member’s verdict names its accuser; this node suspected itself refutes, naming who said it', () => {
    const [accuser, suspected] = PEERS as [string, string];
    const gossip = run(cluster(), message(accuser, { type: 'membershipPush', updates: [{ ...alive(suspected), state: 'suspect', from: accuser }], pullWanted: false }), T0 + 10);
    expect(causes(gossip.effects)).toEqual([{ nodeId: suspected, state: 'suspect', cause: { by: 'gossip', accuser } }]);
    const self = { nodeId: SELF, name: 'self', httpAddress: '10.0.0.10:7070', state: 'suspect' as const, incarnation: 1, from: accuser };
    const refuted = run(cluster(), message(accuser, { type: 'membershipPush', updates: [self], pullWanted: false }), T0 + 10);
    expect(causes(refuted.effects)).toEqual([{ nodeId: SELF, state: 'alive', cause: { by: 'refutation', heard: 'suspect', accuser } }]);
  });
});
