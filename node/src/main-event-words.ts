// The words of the node's timeline (GET /cluster/events, the dashboard's Activity view): each event's
// sentence as the CLI's pretty log line says it, or its name and fields when it has none; and why each
// member is in its state (GET /cluster/members), in the words of the line that logged the change.

import type { MemberReason } from './api';
import type { EventWords } from './log';
import { EventDescriber, fieldsText, memberStateReason, topicOf } from './log-text';

export function eventWordsFor(observer: string): EventWords {
  const describer = new EventDescriber();
  return (event, fields) => {
    const topic = topicOf(event);
    const sentence = describer.describe(event, fields, observer);
    if (sentence !== undefined) return { ...sentence, topic };
    // Every kept event carries the logger's `node` binding: the timeline names the node already.
    const { node: _node, ...own } = fields;
    try {
      return { text: `${event} ${fieldsText(own)}`.trimEnd(), tone: 'plain', topic };
    } catch {
      return { text: event, tone: 'plain', topic };
    }
  };
}

/**
 * A member's `why`: its state's cause in the words of `membership.member_changed`'s sentence, members
 * named; for one dead because its suspicion ran out, what made it suspect first, so it reads in order.
 */
export const memberReason: MemberReason = (member, nameOf) => {
  if (member.cause === null) return null;
  const reason = memberStateReason({ state: member.state, ...member.cause }, nameOf);
  const suspected = member.suspicionCause === null ? null : memberStateReason({ state: 'suspect', ...member.suspicionCause }, nameOf);
  return suspected === null || reason === null ? reason : `${suspected}; then ${reason}`;
};
