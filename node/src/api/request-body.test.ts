import { expect, test } from 'bun:test';
import { SwarmError, type ErrorCode } from '../errors';
import { bodyBytesMax, readValueBody } from './request-body';

const VALUE_BYTES_MAX = 100;

function request(body: string | ReadableStream | null, contentType: string | null = 'application/json'): Request {
  const headers: Record<string, string> = contentType === null ? {} : { 'content-type': contentType };
  return new Request('http://node/kv/x', { method: 'PUT', body, headers });
}

async function failureCode(promise: Promise<unknown>): Promise<ErrorCode> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SwarmError) return error.code;
    throw error;
  }
  throw new Error('expected a SwarmError');
}

test('reads the value as compact JSON and passes the key through', async () => {
  const body = await readValueBody(request('{ "value" : { "a" : [1, 2] }, "key": "k" }'), VALUE_BYTES_MAX);
  expect(body).toEqual({ valueJson: '{"a":[1,2]}', key: 'k' });
});

test('JSON null is a value, not a deletion', async () => {
  expect((await readValueBody(request('{"value":null}'), VALUE_BYTES_MAX)).valueJson).toBe('null');
});

test.each([
  ['malformed JSON', '{"value":', 'application/json', 'invalid_json'],
  ['an array', '[1]', 'application/json', 'invalid_body'],
  ['a number', '5', 'application/json', 'invalid_body'],
  ['no value field', '{"valu":1}', 'application/json', 'invalid_body'],
  ['text/plain', '{"value":1}', 'text/plain', 'unsupported_media_type'],
  ['no content type', '{"value":1}', null, 'unsupported_media_type'],
  ['an oversized value', `{"value":"${'x'.repeat(VALUE_BYTES_MAX)}"}`, 'application/json', 'payload_too_large'],
  ['an oversized body', `{"value":1,"pad":"${'x'.repeat(bodyBytesMax(VALUE_BYTES_MAX))}"}`, 'application/json', 'payload_too_large'],
] as const)('rejects %s', async (_name, body, contentType, code) => {
  expect(await failureCode(readValueBody(request(body, contentType), VALUE_BYTES_MAX))).toBe(code);
});

test('accepts +json media types and parameters', async () => {
  expect((await readValueBody(request('{"value":1}', 'application/merge-patch+json; charset=utf-8'), VALUE_BYTES_MAX)).valueJson).toBe('1');
});

test('a value exactly at the limit is accepted', async () => {
  const value = 'x'.repeat(VALUE_BYTES_MAX - 2);
  expect((await readValueBody(request(JSON.stringify({ value })), VALUE_BYTES_MAX)).valueJson).toBe(JSON.stringify(value));
});

test('a chunked body is cut off as soon as it exceeds the limit', async () => {
  let pulled = 0;
  const chunk = new Uint8Array(1024).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += 1;
      controller.enqueue(chunk);
    },
  });
  const streaming = new Request('http://node/kv/x', { method: 'PUT', body: stream, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
  expect(await failureCode(readValueBody(streaming, VALUE_BYTES_MAX))).toBe('payload_too_large');
  expect(pulled * chunk.byteLength).toBeLessThan(bodyBytesMax(VALUE_BYTES_MAX) + 4 * chunk.byteLength);
});

test.each([
  ['a byte that is never UTF-8 (0xFF) inside a string', [0xff, 0xfe]],
  ['a truncated sequence', [0xe2, 0x82]],
  ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ['an overlong "/"', [0xc0, 0xaf]],
])('rejects %s as invalid_json instead of storing U+FFFD', async (_name, bytes) => {
  const body = new Uint8Array([...Buffer.from('{"value":"'), ...bytes, ...Buffer.from('"}')]);
  const malformed = new Request('http://node/kv/x', { method: 'PUT', body, headers: { 'content-type': 'application/json' } });
  expect(await failureCode(readValueBody(malformed, VALUE_BYTES_MAX))).toBe('invalid_json');
});

test('multi-byte characters split across chunks are reassembled', async () => {
  const bytes = Buffer.from('{"value":"é🚀"}');
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      // Cut inside the two-byte é and inside the four-byte rocket.
      for (const [start, end] of [[0, 11], [11, 14], [14, bytes.length]] as const) controller.enqueue(bytes.subarray(start, end));
      controller.close();
    },
  });
  const streaming = new Request('http://node/kv/x', { method: 'PUT', body: stream, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
  expect((await readValueBody(streaming, VALUE_BYTES_MAX)).valueJson).toBe('"é🚀"');
});
