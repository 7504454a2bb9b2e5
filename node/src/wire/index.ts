// The wire format shared by every peer: message codecs, the type enum and the protocol version range.

export {
  ERROR_MESSAGE_CHARS_MAX,
  HELLO_PROOF_BYTES,
  HTTP_ADDRESS_CHARS_MAX,
  isHelloMessage,
  isIdentifyMessage,
  isRpcErrorMessage,
  isRpcRequestMessage,
  isRpcResponseMessage,
  NODE_ID_PATTERN,
  NODE_NAME_CHARS_MAX,
  type HelloMessage,
  type IdentifyMessage,
  type RpcErrorMessage,
  type RpcRequestMessage,
  type RpcResponseMessage,
} from './core-messages';
export { compactEncoding, readFlags, strictUtf8, type CompactLayout, type CompactState } from './compact-layout';
export { FieldReader, WireRejection, type IntegerRule, type StringRule } from './field-reader';
export {
  MessageRegistry,
  PEER_MESSAGE_BYTES_MAX,
  type DecodeResult,
  type MessageCodec,
  type MessageRegistryOptions,
  type RejectReason,
  type WireMessage,
} from './message-registry';
export { MESSAGE_TYPE_CODE_MAX, MessageType, type MessageTypeName } from './message-type';
export { defineMessage, peerMessages } from './peer-messages';
export {
  COMPACT_ENVELOPE_PROTOCOL_VERSION,
  negotiateProtocolVersion,
  PROTOCOL_VERSION_MAX,
  PROTOCOL_VERSION_MIN,
  supportedProtocolVersions,
  type ProtocolVersionRange,
} from './protocol-version';
