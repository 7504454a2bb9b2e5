// The daemon's message registry, and `defineMessage` for the layers above the transport: membership and
// replication each register their types at start-up, using the codes they appended to MessageType.

import { MessageRegistry, type MessageCodec } from './message-registry';
import type { CompactLayout } from './compact-layout';
import type { FieldReader } from './field-reader';
import { MessageType, type MessageTypeName } from './message-type';

/** The registry the running node's transport decodes with. Tests build private ones instead. */
export const peerMessages = new MessageRegistry();

/**
 * Registers a message type of the MessageType enum in the daemon's registry, with its codec, and for a
 * hot request or response body, its binary layout (protocol version 2's compact envelopes).
 */
export function defineMessage<T extends { readonly type: MessageTypeName }>(
  type: T['type'],
  read: (fields: FieldReader) => Omit<T, 'type'>,
  layout?: CompactLayout,
): MessageCodec<T> {
  return peerMessages.define<T>(type, MessageType[type], read, layout);
}
