import { describe, expect, test } from 'bun:test';
import { AssertionError } from '../assert';
import { SwarmError } from '../errors';
import { MessageRegistry, type DecodeResult, type RejectReason, type WireMessage } from './message-registry';
import { negotiateProtocolVersion } from './protocol-version';

type Note = { readonly type: 'test.note'; readonly text: string; readonly count?: number | undefined };

function registryWithNote(messageBytesMax?: number): MessageRegistry {
  const registry = new MessageRegistry(messageBytesMax === undefined ? {} : { messageBytesMax });
  registry.define<Note>('test.note', 60_001, (fields) => ({
    text: fields.string('text', { charsMax: 100 }),
    count: fields.optional('count', (f) => f.integer('count', { min: 0, max: 10 })),
  }));
  return registry;
}

const registry = registryWithNote();
const frame = (code: number, body: string): Uint8Array => new Uint8Array([code >> 8, code & 0xff, ...new TextEncoder().encode(body)]);
const roundTrip = (message: WireMessage): DecodeResult => registry.decode(registry.encode(message));

describe('codecs round-trip', () => {
  const hello = {
    type: 'hello',
    protocolVersionMin: 1,
    protocolVersionMax: 3,
    proof: 'ab'.repeat(32),
  };
  const cases: Record<string, WireMessage> = {
    hello,
    identify: { type: 'identify', nodeId: '0123456789abcdef', name: 'node-1', httpAddress: '10.0.0.1:7070' },
    rpcRequest: { type: 'rpcRequest', requestId: 7, body: { type: 'test.note', text: 'hi', count: 2 } },
    rpcResponse: { type: 'rpcResponse', requestId: Number.MAX_SAFE_INTEGER, body: { type: 'test.note', text: '' } },
    rpcError: { type: 'rpcError', requestId: 1, code: 'unavailable', message: 'busy' },
    'test.note': { type: 'test.note', text: 'héllo ✓', count: 0 },
  };
  for (const [type, message] of Object.entries(cases)) {
    test(type, () => {
      expect(roundTrip(message)).toEqual({ ok: true, message });
    });
  }

  test('fields a codec does not read are dropped on both sides', () => {
    expect(roundTrip({ type: 'test.note', text: 'a', extra: { big: true } })).toEqual({ ok: true, message: { type: 'test.note', text: 'a' } });
    expect(registry.decode(frame(60_001, '{"text":"a","extra":1,"type":"hello"}'))).toEqual({
      ok: true,
      message: { type: 'test.note', text: 'a' },
    });
  });
});

describe('received frames that do not fit are refused with a reason', () => {
  const rows: Array<[string, Uint8Array, RejectReason]> = [
    ['empty', new Uint8Array(0), 'truncated'],
    ['one byte', new Uint8Array([0]), 'truncated'],
    ['unknown code', frame(59_999, '{}'), 'unknown_type'],
    ['code zero', frame(0, '{}'), 'unknown_type'],
    ['invalid UTF-8', new Uint8Array([0xea, 0x61, 0xff, 0xfe]), 'not_utf8'],
    ['not JSON', frame(60_001, '{"text":'), 'not_json'],
    ['JSON array', frame(60_001, '["text"]'), 'invalid_fields'],
    ['JSON null', frame(60_001, 'null'), 'invalid_fields'],
    ['missing field', frame(60_001, '{}'), 'invalid_fields'],
    ['wrong field type', frame(60_001, '{"text":5}'), 'invalid_fields'],
    ['string too long', frame(60_001, JSON.stringify({ text: 'x'.repeat(101) })), 'invalid_fields'],
    ['integer out of range', frame(60_001, '{"text":"a","count":11}'), 'invalid_fields'],
    ['fractional integer', frame(60_001, '{"text":"a","count":1.5}'), 'invalid_fields'],
    ['hello with a short proof', frame(1, JSON.stringify({ protocolVersionMin: 1, protocolVersionMax: 1, proof: 'ab' })), 'invalid_fields'],
    ['identify with an upper-case node id', frame(5, JSON.stringify({ nodeId: '0123456789ABCDEF', name: 'n', httpAddress: 'h:1' })), 'invalid_fields'],
    ['request whose body is unknown', frame(2, '{"requestId":1,"body":{"type":"nope"}}'), 'invalid_fields'],
    ['request whose body is invalid', frame(2, '{"requestId":1,"body":{"type":"test.note","text":1}}'), 'invalid_fields'],
    ['request whose body is an envelope', frame(2, '{"requestId":1,"body":{"type":"rpcError","requestId":1,"code":"internal","message":""}}'), 'invalid_fields'],
    ['request id zero', frame(2, '{"requestId":0,"body":{"type":"test.note","text":"a"}}'), 'invalid_fields'],
    ['error with an unknown code', frame(4, '{"requestId":1,"code":"teapot","message":""}'), 'invalid_fields'],
    ['error with an inherited code', frame(4, '{"requestId":1,"code":"toString","message":""}'), 'invalid_fields'],
  ];
  for (const [name, bytes, reason] of rows) {
    test(name, () => {
      const result = registry.decode(bytes);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toBe(reason);
    });
  }

  test('an oversize frame is refused before its body is looked at', () => {
    const small = registryWithNote(64);
    const big = registryWithNote();
    const bytes = big.encode({ type: 'test.note', text: 'x'.repeat(70) });
    expect(small.decode(bytes)).toMatchObject({ ok: false, reason: 'oversize' });
    expect(small.decode(new Uint8Array(65))).toMatchObject({ ok: false, reason: 'oversize' });
  });
});

describe('sending', () => {
  test('an outgoing message its codec refuses is a programmer error', () => {
    expect(() => registry.encode({ type: 'test.note', text: 5 })).toThrow(AssertionError);
    expect(() => registry.encode({ type: 'nope' })).toThrow(AssertionError);
  });

  test('an oversize outgoing message is payload_too_large', () => {
    const small = registryWithNote(64);
    let thrown: unknown;
    try {
      small.encode({ type: 'test.note', text: 'x'.repeat(70) });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SwarmError);
    expect((thrown as SwarmError).code).toBe('payload_too_large');
  });

  test('codes and names are unique within a registry', () => {
    const fresh = new MessageRegistry();
    expect(() => fresh.define('hello', 60_002, () => ({}))).toThrow(AssertionError);
    expect(() => fresh.define('test.other', 1, () => ({}))).toThrow(AssertionError);
    expect(() => fresh.define('test.other', 0x1_0000, () => ({}))).toThrow(AssertionError);
    const codec = fresh.define<{ type: 'test.other' }>('test.other', 60_002, () => ({}));
    expect(codec.is({ type: 'test.other' })).toBe(true);
    expect(codec.is({ type: 'hello' })).toBe(false);
  });
});

test('protocol versions: the highest common one, or none', () => {
  const rows: Array<[[number, number], [number, number], number | undefined]> = [
    [[1, 1], [1, 1], 1],
    [[1, 3], [2, 5], 3],
    [[2, 5], [1, 3], 3],
    [[1, 2], [3, 4], undefined],
    [[3, 4], [1, 2], undefined],
    [[1, 9], [4, 4], 4],
  ];
  for (const [[localMin, localMax], [remoteMin, remoteMax], expected] of rows) {
    expect(negotiateProtocolVersion({ min: localMin, max: localMax }, { min: remoteMin, max: remoteMax })).toBe(expected);
  }
});
