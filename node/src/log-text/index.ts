// The daemon's log events in words, for people: the CLI's pretty log lines and the node's
// GET /cluster/events (the dashboard's timeline) say the same sentence for the same event.

export { describeHold, formatDuration } from './durations';
export { describeEvent, EventDescriber, fieldsText, memberStateReason, type LogFields, type Sentence, type Tone } from './event-sentences';
export { EventNames, type EventMemory } from './event-names';
export { EVENT_TOPIC_NAMES, EVENT_TOPICS, isEventTopic, topicOf, type EventTopic } from './event-topics';
export { count, megabytes, signedSpan, span } from './sentence-words';
