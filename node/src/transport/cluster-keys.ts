// What the cluster secret is turned into. Nodes of a cluster meet on one DHT topic and prove to each
// other, on every connection, that they hold the secret. Both values are derived with domain tags so
// neither can stand in for the other, and the topic (which DHT nodes see) reveals nothing usable: it is
// a hash of the secret, and SECRET_CHARS_MIN keeps that hash from being guessed offline.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { assert } from '../assert';

export interface ClusterKeys {
  /** 32 bytes: the Hyperswarm topic every node of the cluster joins. */
  readonly topic: Uint8Array;
  /** 32 bytes: the HMAC key of the hello proof. */
  readonly helloKey: Uint8Array;
}

const TOPIC_TAG = 'swarmkv/topic/v1';
const HELLO_KEY_TAG = 'swarmkv/hello-key/v1';
const SEED_KEY_TAG = 'swarmkv/seed-key/v1';

/** JSON of an array is an unambiguous encoding of its strings: ("ab","c") and ("a","bc") differ. */
function digest(tag: string, ...parts: string[]): Buffer {
  return createHash('sha256').update(JSON.stringify([tag, ...parts])).digest();
}

export function deriveClusterKeys(clusterName: string, secret: string): ClusterKeys {
  assert(secret.length > 0, 'a cluster needs a secret');
  return { topic: digest(TOPIC_TAG, clusterName, secret), helloKey: digest(HELLO_KEY_TAG, clusterName, secret) };
}

/**
 * The 32-byte seed of the Noise key pair of the node that founded a private DHT at `address`
 * ("host:port"). Every node that bootstraps from that address can work out the founder's public key
 * and dial it directly, which a DHT of two nodes needs: there, each node's topic announcement is stored
 * only on the other, and lookups never find it. Only holders of the secret can derive it, and they are
 * trusted with the cluster anyway.
 */
export function seedNodeKeySeed(clusterName: string, secret: string, address: string): Buffer {
  return digest(SEED_KEY_TAG, clusterName, secret, address);
}

/**
 * The hello's proof: HMAC-SHA256 over the connection's Noise handshake hash and the sender's Noise
 * public key. The hash binds it to this one connection (a recorded proof is useless on another), and the
 * key binds it to its sender (a peer cannot reflect our own hello back at us).
 */
export function helloProof(helloKey: Uint8Array, handshakeHash: Uint8Array, senderPublicKey: Uint8Array): Buffer {
  return createHmac('sha256', helloKey).update(handshakeHash).update(senderPublicKey).digest();
}

export function isValidHelloProof(helloKey: Uint8Array, handshakeHash: Uint8Array, senderPublicKey: Uint8Array, proofHex: string): boolean {
  const expected = helloProof(helloKey, handshakeHash, senderPublicKey);
  const received = Buffer.from(proofHex, 'hex');
  return received.byteLength === expected.byteLength && timingSafeEqual(received, expected);
}
