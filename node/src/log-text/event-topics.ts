// What an event is about, so a person can follow one thread of a busy cluster's timeline (the
// dashboard's Activity filter, `swarmkv events --topic`): its topic, from the first word of its name.

/** The topics, in the order a filter offers them, with the first words of the event names under each. */
export const EVENT_TOPICS = [
  { topic: 'membership', about: 'who is alive, suspect, dead or gone, and why; clocks against the cluster', prefixes: ['membership', 'member', 'cluster', 'clock'] },
  { topic: 'ring', about: 'who owns which ranges: joins, leaves, removals, the data streamed between members', prefixes: ['ring', 'rebalance', 'leave', 'departure', 'cleanup'] },
  { topic: 'replication', about: 'copies kept in step: hints held and delivered, repair passes, tombstones collected', prefixes: ['hints', 'repair', 'tombstones'] },
  { topic: 'chaos', about: 'faults injected on purpose, and their ends', prefixes: ['chaos'] },
  { topic: 'transport', about: 'the DHT and the encrypted links between members', prefixes: ['transport', 'dht', 'peer'] },
  { topic: 'node', about: 'the process itself: start, stop, storage, HTTP errors, tokens', prefixes: ['node', 'http', 'storage', 'token', 'metrics'] },
] as const;

export type EventTopic = (typeof EVENT_TOPICS)[number]['topic'];

export const EVENT_TOPIC_NAMES: readonly EventTopic[] = EVENT_TOPICS.map((entry) => entry.topic);

const TOPIC_BY_PREFIX: ReadonlyMap<string, EventTopic> = new Map(EVENT_TOPICS.flatMap((entry) => entry.prefixes.map((prefix) => [prefix, entry.topic] as const)));

/** The topic of an event by its name (`membership.member_changed`: membership); `node` for any name not listed. */
export function topicOf(event: string): EventTopic {
  const dot = event.indexOf('.');
  return TOPIC_BY_PREFIX.get(dot < 0 ? event : event.slice(0, dot)) ?? 'node';
}

export function isEventTopic(value: string): value is EventTopic {
  return (EVENT_TOPIC_NAMES as readonly string[]).includes(value);
}
