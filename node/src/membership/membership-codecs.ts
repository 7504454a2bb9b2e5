// Registers the membership messages in the daemon's wire registry, under the codes membership owns
// (16..63 in wire/message-type.ts). The validators in messages.ts already check every field of a whole
// message, so each codec hands them the received fields and refuses the frame when they say no.

import { defineMessage, WireRejection, type FieldReader } from '../wire';
import { membershipMessageParsers, MEMBERSHIP_MESSAGE_TYPES, type MembershipMessage, type MembershipMessageType } from './messages';

function codecFor<Type extends MembershipMessageType>(type: Type): (fields: FieldReader) => Omit<Extract<MembershipMessage, { type: Type }>, 'type'> {
  return (fields) => {
    const parsed = membershipMessageParsers[type]({ ...fields.all(), type });
    if (parsed === undefined) throw new WireRejection(`a ${type} message whose fields do not fit`);
    const { type: _type, ...rest } = parsed;
    return rest as Omit<Extract<MembershipMessage, { type: Type }>, 'type'>;
  };
}

let registered = false;

/** Idempotent: the composition root calls it once at start-up, tests may call it again. */
export function registerMembershipMessages(): void {
  if (registered) return;
  registered = true;
  for (const type of MEMBERSHIP_MESSAGE_TYPES) defineMessage(type, codecFor(type));
}
