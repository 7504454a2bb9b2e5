// The transport's own messages, present in every registry: the authenticated hello that opens each
// connection, the identify that follows it once the peer proved the secret, and the envelopes that carry requests and responses (rpc.ts in the transport layer).
// A request's body is any other registered message, checked by its own codec.

import { errorStatus, type ErrorCode } from '../errors';
import { WireRejection, type FieldReader } from './field-reader';
import type { MessageRegistry, WireMessage } from './message-registry';
import { MessageType } from './message-type';

/** A node id is 16 lowercase hex digits (64 random bits), the same shape version/ uses. */
export const NODE_ID_PATTERN = /^[0-9a-f]{16}$/;
/** The config limits a node name to 64 characters. */
export const NODE_NAME_CHARS_MAX = 64;
/** host:port, where a DNS name is at most 253 characters. */
export const HTTP_ADDRESS_CHARS_MAX = 300;
/** HMAC-SHA256. */
export const HELLO_PROOF_BYTES = 32;
export const PROTOCOL_VERSION_LIMIT = 0xffff;
export const ERROR_MESSAGE_CHARS_MAX = 1000;

/**
 * The first frame each side sends: a proof of the secret and the protocol range, nothing about who the
 * sender is. Who it is (identify) goes only to a peer whose own hello proved the secret.
 */
export type HelloMessage = {
  readonly type: 'hello';
  readonly protocolVersionMin: number;
  readonly protocolVersionMax: number;
  /** Hex HMAC proving the sender holds the cluster secret, bound to this connection and its key. */
  readonly proof: string;
};

export type IdentifyMessage = {
  readonly type: 'identify';
  readonly nodeId: string;
  readonly name: string;
  readonly httpAddress: string;
};

export type RpcRequestMessage = { readonly type: 'rpcRequest'; readonly requestId: number; readonly body: WireMessage };
export type RpcResponseMessage = { readonly type: 'rpcResponse'; readonly requestId: number; readonly body: WireMessage };
export type RpcErrorMessage = {
  readonly type: 'rpcError';
  readonly requestId: number;
  readonly code: ErrorCode;
  readonly message: string;
};

/** Envelopes never nest: a body that is itself an envelope or a hello is refused. */
const ENVELOPE_TYPES: ReadonlySet<string> = new Set(['hello', 'identify', 'rpcRequest', 'rpcResponse', 'rpcError']);

function readRequestId(fields: FieldReader): number {
  return fields.integer('requestId', { min: 1, max: Number.MAX_SAFE_INTEGER });
}

function readBody(fields: FieldReader): WireMessage {
  const body = fields.message('body');
  if (ENVELOPE_TYPES.has(body.type)) throw new WireRejection(`body may not be a ${body.type} message`);
  return body;
}

function readErrorCode(fields: FieldReader): ErrorCode {
  const code = fields.string('code', { charsMin: 1, charsMax: 64 });
  if (!Object.hasOwn(errorStatus, code)) throw new WireRejection(`code ${code} is not an error code`);
  return code as ErrorCode;
}

export function defineCoreMessages(registry: MessageRegistry): void {
  registry.define<HelloMessage>('hello', MessageType.hello, (fields) => ({
    protocolVersionMin: fields.integer('protocolVersionMin', { min: 1, max: PROTOCOL_VERSION_LIMIT }),
    protocolVersionMax: fields.integer('protocolVersionMax', { min: 1, max: PROTOCOL_VERSION_LIMIT }),
    proof: fields.hex('proof', HELLO_PROOF_BYTES),
  }));
  registry.define<IdentifyMessage>('identify', MessageType.identify, (fields) => ({
    nodeId: fields.string('nodeId', { charsMax: 16, pattern: NODE_ID_PATTERN }),
    name: fields.string('name', { charsMin: 1, charsMax: NODE_NAME_CHARS_MAX }),
    httpAddress: fields.string('httpAddress', { charsMin: 1, charsMax: HTTP_ADDRESS_CHARS_MAX }),
  }));
  registry.define<RpcRequestMessage>('rpcRequest', MessageType.rpcRequest, (fields) => ({
    requestId: readRequestId(fields),
    body: readBody(fields),
  }));
  registry.define<RpcResponseMessage>('rpcResponse', MessageType.rpcResponse, (fields) => ({
    requestId: readRequestId(fields),
    body: readBody(fields),
  }));
  registry.define<RpcErrorMessage>('rpcError', MessageType.rpcError, (fields) => ({
    requestId: readRequestId(fields),
    code: readErrorCode(fields),
    message: fields.string('message', { charsMax: ERROR_MESSAGE_CHARS_MAX }),
  }));
}

export function isHelloMessage(message: WireMessage): message is WireMessage & HelloMessage {
  return message.type === 'hello';
}
export function isIdentifyMessage(message: WireMessage): message is WireMessage & IdentifyMessage {
  return message.type === 'identify';
}
export function isRpcRequestMessage(message: WireMessage): message is WireMessage & RpcRequestMessage {
  return message.type === 'rpcRequest';
}
export function isRpcResponseMessage(message: WireMessage): message is WireMessage & RpcResponseMessage {
  return message.type === 'rpcResponse';
}
export function isRpcErrorMessage(message: WireMessage): message is WireMessage & RpcErrorMessage {
  return message.type === 'rpcError';
}
