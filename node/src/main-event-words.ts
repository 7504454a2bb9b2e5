// The words of the node's timeline (GET /cluster/events, the dashboard's Activity view): each event's
// sentence as the CLI's pretty log line says it, or its name and fields when it has none.

import type { EventWords } from './log';
import { EventDescriber, fieldsText } from './log-text';

export function eventWordsFor(observer: string): EventWords {
  const describer = new EventDescriber();
  return (event, fields) => {
    const sentence = describer.describe(event, fields, observer);
    if (sentence !== undefined) return sentence;
    // Every kept event carries the logger's `node` binding: the timeline names the node already.
    const { node: _node, ...own } = fields;
    try {
      return { text: `${event} ${fieldsText(own)}`.trimEnd(), tone: 'plain' };
    } catch {
      return { text: event, tone: 'plain' };
    }
  };
}
