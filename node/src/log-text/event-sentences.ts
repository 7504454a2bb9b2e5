// The daemon's log events as short sentences for a person: a terminal's pretty log lines, the
// dashboard's timeline. Each known event says what happened in words, with the figures that matter;
// any other event is shown as its name and its fields, so nothing is hidden by a missing sentence.
// Member ids are shown as names once a name for them has been seen (membership and transport events
// carry both).

import { EventNames, type EventMemory } from './event-names';
import { OPERATION_SENTENCES } from './operation-sentences';
import { names, plural, span } from './sentence-words';

export type LogFields = Readonly<Record<string, unknown>>;

/** How a sentence reads: calm, good news, doubtful, bad news. */
export type Tone = 'plain' | 'good' | 'doubt' | 'bad';

export interface Sentence {
  readonly text: string;
  readonly tone: Tone;
}

type Describe = (fields: LogFields, memory: EventMemory, observer: string) => Sentence | string;

type NameOf = (nodeId: unknown) => string;

/** Why a member turned suspect, from the line's cause (`by`); the words of lines without one otherwise. */
function whySuspect(fields: LogFields, nameOf: NameOf): string {
  if (fields.by === 'gossip') return `${nameOf(fields.accuser)} suspects it, and gossip carried that here`;
  if (fields.by !== 'probe') return 'probes went unanswered';
  const helpers = Array.isArray(fields.helpers) ? fields.helpers : [];
  if (helpers.length === 0) return "no ack to this node's ping, and no other member to ask";
  const nacks = Number(fields.nacks) > 0 ? `; ${fields.nacks} of them answered they could not reach it either` : '';
  return `no ack to this node's ping, nor through ${names(helpers, { nameOf })}${nacks}`;
}

function whyDead(fields: LogFields, nameOf: NameOf): string {
  if (fields.by === 'gossip') return `${nameOf(fields.accuser)} declared it dead, and gossip carried that here`;
  if (fields.by !== 'timeout') return 'suspect for longer than the suspicion timeout';
  return `suspect for ${span(fields.suspectMs)} with no refutation (the suspicion timeout; ${plural(fields.accusers, 'accuser')})`;
}

/**
 * Why a member is in `fields.state`, from the cause of the change that put it there (`by` and that
 * cause's fields, as `membership.member_changed` logs them and `GET /cluster/members` gives them); null
 * without a cause (a join, a member alive again, a leave explain themselves). Never throws.
 */
export function memberStateReason(fields: LogFields, nameOf: NameOf): string | null {
  try {
    if (typeof fields.by !== 'string') return null;
    if (fields.state === 'suspect') return whySuspect(fields, nameOf);
    if (fields.state === 'dead') return whyDead(fields, nameOf);
    if (fields.by === 'refutation') return `heard ${nameOf(fields.accuser)} had it ${String(fields.heard)}, and answered alive with a new incarnation`;
    return null;
  } catch {
    return null;
  }
}

function memberChanged(fields: LogFields, memory: EventMemory, observer: string): Sentence {
  const name = typeof fields.name === 'string' ? fields.name : memory.nameOf(fields.member);
  const incarnation = Number(fields.incarnation);
  const previous = memory.remember(observer, String(fields.member), String(fields.state), incarnation);
  const at = `incarnation ${fields.incarnation}`;
  // A node logs its own entry only when it raises its incarnation: it heard itself suspected (or held
  // dead across a partition) and answers that it is alive, which overrides the rumour everywhere.
  if (name === observer && fields.state === 'alive') {
    const heard = fields.by === 'refutation' ? `: ${memory.nameOf(fields.accuser)} had it ${fields.heard}` : '';
    return { text: `refutes a suspicion of itself: alive, with a new incarnation (${at}${heard})`, tone: 'good' };
  }
  switch (fields.state) {
    case 'suspect':
      return { text: `${name} is suspect (${at}: ${whySuspect(fields, (id) => memory.nameOf(id))})`, tone: 'doubt' };
    case 'dead':
      return { text: `${name} is dead (${at}: ${whyDead(fields, (id) => memory.nameOf(id))})`, tone: 'bad' };
    case 'left':
      return { text: `${name} left the cluster (${at})`, tone: 'plain' };
    case 'alive':
      if (previous === undefined) return { text: `${name} joined (${at})`, tone: 'good' };
      if (previous.state === 'suspect' && incarnation > previous.incarnation) return { text: `${name} refuted the suspicion: alive (${at}, was ${previous.incarnation})`, tone: 'good' };
      if (previous.state !== 'alive') return { text: `${name} is alive again, was ${previous.state} (${at})`, tone: 'good' };
      return { text: `${name} is alive (${at})`, tone: 'plain' };
    default:
      return { text: `${name} is ${String(fields.state)} (${at})`, tone: 'plain' };
  }
}

const DESCRIPTIONS: Record<string, Describe> = {
  'node.listening': (f) => ({ text: `listening on ${f.url} (${f.syncPolicy === 'memory' ? 'in memory' : `${f.engine} in ${f.dataDir}, sync ${f.syncPolicy}`}; ${plural(f.liveKeys, 'key')}; started in ${f.startMs} ms)`, tone: 'good' }),
  'node.stopping': () => 'stopping: finishing requests in flight',
  'node.stopped': () => 'stopped',
  'cluster.started': (f) => `joining cluster "${f.cluster}" as ${f.advertise} (N=${f.replicas}, ${f.profile} failure-detection timings)`,
  'membership.member_changed': memberChanged,
  'membership.member_removed': (f, memory) => `${memory.nameOf(f.member)} is forgotten: dead long enough to leave the member list`,
  'ring.changed': (f) => `ring now spans ${plural(f.members, 'member')} (epoch ${f.epoch}, digest ${f.digest})`,
  'ring.ownership_changed': (f) => ({ text: `this node is now ${f.to} of its ranges (was ${f.from}): ${f.reason}`, tone: 'good' }),
  'ring.join_streaming': (f) => `joining: streaming ${plural(f.transfers, 'range')} from their current replicas`,
  'rebalance.transfer_finished': (f, m) => `range ${f.range} streamed in from ${m.nameOf(f.from)}: ${plural(f.keys, 'key')}, ${f.bytes} bytes in ${f.ms} ms`,
  'rebalance.transfer_failed': (f, m) => ({ text: `range ${f.range} from ${m.nameOf(f.from)} failed after ${plural(f.keys, 'key')}: ${f.reason} (retried)`, tone: 'doubt' }),
  'transport.started': (f) => `DHT joined on port ${f.dhtPort}${f.founder === true ? ' (first node of this DHT)' : ''}, looking for peers`,
  'transport.peer_up': (f) => `connected to ${peerName(f)} at ${f.httpAddress}`,
  'transport.peer_down': (f, m) => ({ text: `connection to ${m.nameOf(f.nodeId)} lost`, tone: 'doubt' }),
  'hints.delivered': (f, m) => ({ text: `delivered ${plural(f.count, 'hint')} to ${m.nameOf(f.to)}${Number(f.failed) > 0 ? `, ${f.failed} failed` : ''} (${f.remaining} still held)`, tone: 'good' }),
  'hints.overflow': (f, m) => ({ text: `refused ${plural(f.refused, 'hint')} for ${m.nameOf(f.target)}: the hint store is full (${f.pending} of ${f.hintsMax} hints, ${f.bytes} of ${f.hintBytesMax} bytes)`, tone: 'bad' }),
  'repair.pass_started': (f) => `repair started (${f.trigger}): comparing ${plural(f.rangesTotal, 'range')} with their co-replicas`,
  'repair.pass_completed': (f) => ({ text: `repair finished (${f.trigger}): ${plural(f.keysRepaired, 'key')} repaired over ${f.rangesDone}/${f.rangesTotal} ranges in ${f.durationMs} ms`, tone: Number(f.keysRepaired) > 0 ? 'good' : 'plain' }),
  'repair.compared': (f, m) => `range ${f.rangeStart}..${f.rangeEnd} repaired with ${m.nameOf(f.peer)}: ${f.keysPulled} keys pulled, ${f.keysPushed} pushed (${f.durationMs} ms)`,
  'repair.compare_failed': (f, m) => ({ text: `could not compare range ${f.rangeStart}..${f.rangeEnd} with ${m.nameOf(f.peer)}: ${f.reason}`, tone: 'doubt' }),
  'repair.pass_failed': (f) => ({ text: `repair failed (${f.trigger}): ${String(f.error).split('\n')[0]}`, tone: 'bad' }),
  'repair.index_built': (f) => `repair index built: ${plural(f.records, 'record')} in ${f.ms} ms`,
  'tombstones.collected': (f) => `collected ${plural(f.count, 'tombstone')} older than ${f.graceMs} ms`,
  'storage.stale_data_discarded': (f) => ({ text: `discarded ${plural(f.records, 'record')} and ${plural(f.hints, 'hint')}: away ${f.awayMs} ms, longer than the tombstone grace`, tone: 'doubt' }),
  'dht.listening': (f) => ({ text: `DHT bootstrap listening on ${f.address}`, tone: 'good' }),
  'dht.node_added': (f) => `DHT node ${f.peer} joined (${plural(f.nodes, 'node')} known)`,
  'dht.stopping': () => 'DHT bootstrap stopping',
  'dht.stopped': () => 'DHT bootstrap stopped',
  ...OPERATION_SENTENCES,
};

/** peer_up names the peer itself. */
function peerName(fields: LogFields): string {
  return typeof fields.name === 'string' ? fields.name : String(fields.nodeId);
}

/** The fields of an event without a sentence, as `key=value` pairs (JSON for anything not a string). */
export function fieldsText(fields: LogFields): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' && !/[\s"]/.test(value) && value.length > 0 ? value : JSON.stringify(value)}`)
    .join(' ');
}

/** The sentence for an event, or undefined when it has none (its fields are then shown as they are). */
export function describeEvent(event: string, fields: LogFields, memory: EventMemory, observer: string): Sentence | undefined {
  const describe = DESCRIPTIONS[event];
  if (describe === undefined) return undefined;
  const described = describe(fields, memory, observer);
  return typeof described === 'string' ? { text: described, tone: 'plain' } : described;
}

/** Sentences for one stream of events (a terminal's, or one node's), learning names as they come. */
export class EventDescriber {
  readonly #names = new EventNames();

  /** The sentence for `event` as `observer` (the node that logged it) saw it; undefined when it has none. */
  describe(event: string, fields: LogFields, observer: string): Sentence | undefined {
    // Called from inside every log call of the node: a sentence that trips over fields of an
    // unexpected shape must cost the line its words, never the caller its work.
    try {
      this.#names.learn(fields);
      return describeEvent(event, fields, this.#names, observer);
    } catch {
      return undefined;
    }
  }
}
