// The hello handshake against a scripted link: what the session sends, and every way a peer can fail it.
import { describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { MessageRegistry, PROTOCOL_VERSION_MAX, PROTOCOL_VERSION_MIN, supportedProtocolVersions, type WireMessage } from '../wire';
import { deriveClusterKeys, helloProof } from './cluster-keys';
import type { PeerFilter } from './peer-filter';
import type { LinkReceiver, PeerLink, SendOutcome } from './peer-link';
import { PeerTable } from './peer-table';
import { contractMessages, note, RecordingHandlers, sleep } from './recording-handlers.contract';
import { emptyTransportStats } from './transport-stats';

const keys = deriveClusterKeys('session', 'session-secret-0123456789');
const bytes = (seed: string) => createHash('sha256').update(seed).digest();
const LOCAL_ID = 'aaaaaaaaaaaaaaaa';
const REMOTE_ID = 'bbbbbbbbbbbbbbbb';

class ScriptedLink implements PeerLink {
  readonly handshakeHash = bytes('connection');
  readonly localPublicKey = bytes('local');
  readonly remotePublicKey = bytes('remote');
  readonly remoteAddress = 'scripted:1';
  readonly hellos: Uint8Array[] = [];
  readonly frames: Uint8Array[] = [];
  destroyed: { reason: string; ban: boolean } | undefined;
  receiver!: LinkReceiver;

  attach(receiver: LinkReceiver): void {
    this.receiver = receiver;
  }
  sendHello(frame: Uint8Array): void {
    this.hellos.push(frame);
  }
  sendFrame(frame: Uint8Array): SendOutcome {
    this.frames.push(frame);
    return 'sent';
  }
  destroy(reason: string, options: { ban?: boolean } = {}): void {
    this.destroyed ??= { reason, ban: options.ban ?? false };
    queueMicrotask(() => this.receiver.linkClosed());
  }
}

function setUp(helloTimeoutMs = 1000, filter?: PeerFilter) {
  const messages = contractMessages();
  const events: Array<{ event: string; fields: Record<string, unknown> }> = [];
  const stats = emptyTransportStats();
  const table = new PeerTable({
    identity: { nodeId: LOCAL_ID, name: 'local', httpAddress: 'local:7070', protocolVersions: supportedProtocolVersions },
    helloKey: keys.helloKey,
    messages,
    helloTimeoutMs,
    log: (event, fields) => events.push({ event, fields }),
    stats,
    ...(filter === undefined ? {} : { filter }),
  });
  const handlers = new RecordingHandlers();
  table.setHandlers(handlers);
  const link = new ScriptedLink();
  table.open(link);
  return { messages, events, stats, handlers, link, table };
}

/** The identify the remote end sends once our hello proved the secret, with any field overridden. */
function remoteIdentify(messages: MessageRegistry, fields: Partial<Record<string, unknown>> = {}): Uint8Array {
  return messages.encode({ type: 'identify', nodeId: REMOTE_ID, name: 'remote', httpAddress: 'remote:7070', ...fields });
}

/** The hello the remote end of `link` would send, with any field overridden. */
function remoteHello(link: ScriptedLink, messages: MessageRegistry, fields: Partial<Record<string, unknown>> = {}): Uint8Array {
  const hello: WireMessage = {
    type: 'hello',
    protocolVersionMin: 1,
    protocolVersionMax: 1,
    proof: helloProof(keys.helloKey, link.handshakeHash, link.remotePublicKey).toString('hex'),
    ...fields,
  };
  return messages.encode(hello);
}

const refusal = (events: ReturnType<typeof setUp>['events']) => events.find(({ event }) => event === 'transport.connection_refused')?.fields.reason;

describe('peer session', () => {
  test('sends a hello whose proof covers this connection and our key, then accepts a valid one', async () => {
    const { messages, link, handlers } = setUp();
    const sent = messages.decode(link.hellos[0]!);
    expect(sent).toMatchObject({ ok: true, message: { type: 'hello', protocolVersionMin: PROTOCOL_VERSION_MIN, protocolVersionMax: PROTOCOL_VERSION_MAX } });
    // Prove first, then identify: the hello says nothing of who we are.
    expect(Object.keys(sent.ok ? sent.message : {}).sort()).toEqual(['proof', 'protocolVersionMax', 'protocolVersionMin', 'type']);
    if (sent.ok) expect(sent.message.proof).toBe(helloProof(keys.helloKey, link.handshakeHash, link.localPublicKey).toString('hex'));
    expect(link.frames).toEqual([]);
    link.receiver.receiveHello(remoteHello(link, messages));
    expect(messages.decode(link.frames[0]!)).toMatchObject({ ok: true, message: { type: 'identify', nodeId: LOCAL_ID, name: 'local', httpAddress: 'local:7070' } });
    expect(handlers.ups()).toEqual([]);
    link.receiver.receiveFrame(remoteIdentify(messages));
    expect(handlers.ups()).toEqual([{ nodeId: REMOTE_ID, name: 'remote', httpAddress: 'remote:7070', protocolVersion: 1 }]);
    link.receiver.receiveFrame(messages.encode(note('hi')));
    expect(handlers.messages(REMOTE_ID)).toEqual([note('hi')]);
  });

  const refusals: Array<[string, (link: ScriptedLink, messages: MessageRegistry) => Uint8Array, string, boolean]> = [
    ['garbage', () => new Uint8Array([1, 2, 3]), 'hello_invalid', false],
    ['a message that is not a hello', (_link, messages) => messages.encode(note('hi')), 'hello_invalid', false],
    ['a proof made with another secret', (link, messages) => remoteHello(link, messages, { proof: helloProof(bytes('wrong'), link.handshakeHash, link.remotePublicKey).toString('hex') }), 'proof_invalid', true],
    ['a proof replayed from another connection', (link, messages) => remoteHello(link, messages, { proof: helloProof(keys.helloKey, bytes('other connection'), link.remotePublicKey).toString('hex') }), 'proof_invalid', true],
    ['our own hello reflected back', (link) => link.hellos[0]!, 'proof_invalid', true],
    ['no common protocol version', (link, messages) => remoteHello(link, messages, { protocolVersionMin: PROTOCOL_VERSION_MAX + 1, protocolVersionMax: PROTOCOL_VERSION_MAX + 2 }), 'protocol_incompatible', true],
  ];
  for (const [name, hello, reason, ban] of refusals) {
    test(`refuses ${name}`, async () => {
      const { messages, link, handlers, events, stats } = setUp();
      link.receiver.receiveHello(hello(link, messages));
      await sleep(0);
      expect(refusal(events)).toBe(reason);
      expect(link.destroyed).toEqual({ reason, ban });
      expect(stats.connectionsRefused).toBe(1);
      expect(handlers.events).toEqual([]);
      // A peer that did not prove the secret learnt nothing about us.
      expect(link.frames).toEqual([]);
    });
  }

  const identityRefusals: Array<[string, (messages: MessageRegistry) => Uint8Array, string]> = [
    ['our own node id', (messages) => remoteIdentify(messages, { nodeId: LOCAL_ID }), 'self'],
    ['a frame that is not an identify', (messages) => messages.encode(note('who?')), 'identify_invalid'],
    ['a malformed identify', () => new Uint8Array([0, 5, ...new TextEncoder().encode('{"nodeId":"not hex","name":"r","httpAddress":"r:1"}')]), 'identify_invalid'],
  ];
  for (const [name, identify, reason] of identityRefusals) {
    test(`after a proven hello, refuses ${name}`, async () => {
      const { messages, link, handlers, events } = setUp();
      link.receiver.receiveHello(remoteHello(link, messages));
      link.receiver.receiveFrame(identify(messages));
      await sleep(0);
      expect(refusal(events)).toBe(reason);
      expect(link.destroyed).toEqual({ reason, ban: true });
      expect(handlers.events).toEqual([]);
    });
  }

  test('refuses a frame that comes before the hello', async () => {
    const { messages, link, handlers, events } = setUp();
    link.receiver.receiveFrame(messages.encode(note('too early')));
    link.receiver.receiveHello(remoteHello(link, messages));
    await sleep(0);
    expect(refusal(events)).toBe('frame_before_hello');
    expect(handlers.events).toEqual([]);
  });

  test('refuses a silent peer after the hello timeout', async () => {
    const { link, events } = setUp(10);
    await sleep(30);
    expect(refusal(events)).toBe('hello_timeout');
    expect(link.destroyed?.reason).toBe('hello_timeout');
  });

  test('after authentication, a second hello or an invalid frame is dropped and the link stays', async () => {
    const { messages, link, handlers, events, stats } = setUp();
    link.receiver.receiveHello(remoteHello(link, messages));
    link.receiver.receiveFrame(remoteIdentify(messages));
    link.receiver.receiveFrame(remoteHello(link, messages));
    link.receiver.receiveFrame(new Uint8Array([0xff, 0xff, 0x7b, 0x7d]));
    link.receiver.receiveFrame(messages.encode(note('ok')));
    expect(stats.messagesRefused).toBe(2);
    expect(events.filter(({ event }) => event === 'transport.message_refused').map(({ fields }) => fields.reason)).toEqual(['unexpected_hello', 'unknown_type']);
    expect(handlers.messages()).toEqual([note('ok')]);
    expect(link.destroyed).toBeUndefined();
  });
});

/** A filter a test flips, counting what it made the table drop. */
class SwitchFilter implements PeerFilter {
  readonly blocked = new Set<string>();
  drops = 0;
  holdMs = 0;
  blocks(nodeId: string): boolean {
    return this.blocked.has(nodeId);
  }
  dropped(): void {
    this.drops++;
  }
  holdMsFor(): number {
    return this.holdMs;
  }
}

describe('a peer filter (the chaos partition)', () => {
  function authenticated(filter: SwitchFilter) {
    const parts = setUp(1000, filter);
    parts.link.receiver.receiveHello(remoteHello(parts.link, parts.messages));
    parts.link.receiver.receiveFrame(remoteIdentify(parts.messages));
    return parts;
  }

  test('a blocked peer that connects stays down above, both ways silent, until released', () => {
    const filter = new SwitchFilter();
    filter.blocked.add(REMOTE_ID);
    const { messages, link, handlers, table } = authenticated(filter);
    expect(handlers.events).toEqual([]);
    expect(table.connectedPeers()).toEqual([]);
    link.receiver.receiveFrame(messages.encode(note('lost')));
    const framesBefore = link.frames.length;
    expect(table.send(REMOTE_ID, note('lost too'))).toBe(false);
    expect(link.frames.length).toBe(framesBefore);
    expect(handlers.messages()).toEqual([]);
    expect(filter.drops).toBe(2);
    filter.blocked.clear();
    table.refilter();
    expect(handlers.ups().map((peer) => peer.nodeId)).toEqual([REMOTE_ID]);
    expect(table.send(REMOTE_ID, note('through'))).toBe(true);
    link.receiver.receiveFrame(messages.encode(note('back')));
    expect(handlers.messages(REMOTE_ID)).toEqual([note('back')]);
    expect(link.destroyed).toBeUndefined();
  });

  test('a held peer’s messages leave later, in order: one sent after the delay lifted waits behind them', async () => {
    const filter = new SwitchFilter();
    const { link, table } = authenticated(filter);
    const framesBefore = link.frames.length;
    filter.holdMs = 40;
    expect(table.send(REMOTE_ID, note('slow'))).toBe(true);
    filter.holdMs = 0;
    expect(table.send(REMOTE_ID, note('behind it'))).toBe(true);
    expect(link.frames.length).toBe(framesBefore);
    await sleep(80);
    expect(link.frames.length).toBe(framesBefore + 2);
    expect(table.send(REMOTE_ID, note('at once'))).toBe(true);
    expect(link.frames.length).toBe(framesBefore + 3);
    filter.holdMs = 20;
    table.send(REMOTE_ID, note('lost with its link'));
    link.destroy('network');
    await sleep(50);
    expect(link.frames.length).toBe(framesBefore + 3);
  });

  test('blocking a connected peer reports it down once, keeps its link, and its close reports nothing more', async () => {
    const filter = new SwitchFilter();
    const { messages, link, handlers, table } = authenticated(filter);
    expect(handlers.ups().length).toBe(1);
    filter.blocked.add(REMOTE_ID);
    table.refilter();
    table.refilter();
    expect(handlers.downs()).toEqual([REMOTE_ID]);
    link.receiver.receiveFrame(messages.encode(note('dropped')));
    expect(handlers.messages()).toEqual([]);
    expect(link.destroyed).toBeUndefined();
    link.destroy('network');
    await sleep(0);
    expect(handlers.downs()).toEqual([REMOTE_ID]);
  });
});
