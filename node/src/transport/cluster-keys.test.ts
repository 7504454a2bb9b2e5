import { expect, test } from 'bun:test';
import { deriveClusterKeys, helloProof, isValidHelloProof } from './cluster-keys';

const hash = new Uint8Array(32).fill(1);
const publicKey = new Uint8Array(32).fill(2);

test('topic and hello key depend on name and secret, are 32 bytes, and differ from each other', () => {
  const keys = deriveClusterKeys('prod', 'secret-0123456789abcdef');
  expect(keys.topic.byteLength).toBe(32);
  expect(keys.helloKey.byteLength).toBe(32);
  expect(Buffer.compare(keys.topic, keys.helloKey)).not.toBe(0);
  expect(deriveClusterKeys('prod', 'secret-0123456789abcdef')).toEqual(keys);
  for (const other of [deriveClusterKeys('prod', 'secret-0123456789abcdeF'), deriveClusterKeys('staging', 'secret-0123456789abcdef')]) {
    expect(Buffer.compare(other.topic, keys.topic)).not.toBe(0);
    expect(Buffer.compare(other.helloKey, keys.helloKey)).not.toBe(0);
  }
  // Moving characters between name and secret must not give the same cluster.
  expect(deriveClusterKeys('ab', 'c'.repeat(16)).topic).not.toEqual(deriveClusterKeys('abc', 'c'.repeat(15)).topic);
});

test('a proof verifies only for the same key, connection and sender', () => {
  const { helloKey } = deriveClusterKeys('prod', 'secret-0123456789abcdef');
  const proof = helloProof(helloKey, hash, publicKey).toString('hex');
  expect(isValidHelloProof(helloKey, hash, publicKey, proof)).toBe(true);
  expect(isValidHelloProof(deriveClusterKeys('prod', 'another-secret-0123456').helloKey, hash, publicKey, proof)).toBe(false);
  expect(isValidHelloProof(helloKey, new Uint8Array(32).fill(9), publicKey, proof)).toBe(false);
  expect(isValidHelloProof(helloKey, hash, new Uint8Array(32).fill(9), proof)).toBe(false);
  expect(isValidHelloProof(helloKey, hash, publicKey, proof.slice(0, 62))).toBe(false);
  expect(isValidHelloProof(helloKey, hash, publicKey, '')).toBe(false);
});
