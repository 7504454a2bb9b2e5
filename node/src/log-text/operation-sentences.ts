// Sentences for the events of operating a cluster rather than of its steady life: chaos faults, joins,
// leaves and removals, the clock bound, tokens, the store's and the transport's troubles, and the
// errors that call for someone. event-sentences.ts merges them with its own.

import { describeHold, formatDuration } from './durations';
import type { EventMemory } from './event-names';
import type { LogFields, Sentence } from './event-sentences';
import { count, firstLine, listed, megabytes, names, plural, signedSpan, span } from './sentence-words';

type Describe = (fields: LogFields, memory: EventMemory) => Sentence | string;

/** ` for 30s`, when the fault has an end; chaos sentences spell durations as its command line does. */
const forDuration = (f: LogFields) => (typeof f.durationMs === 'number' ? ` for ${formatDuration(f.durationMs)}` : '');
/** ` (run plan-7)`: the scenario run that caused a chaos event. */
const byRun = (f: LogFields) => (typeof f.run === 'string' ? ` (run ${f.run})` : '');

const CHAOS: Record<string, Describe> = {
  'chaos.enabled': (f) => ({ text: `chaos controls on (--chaos): the admin role can partition, delay, pause, skew or kill this node; never in production${Number(f.clockOffsetMs) !== 0 ? ` (its clock starts ${formatDuration(Number(f.clockOffsetMs))} off)` : ''}`, tone: 'doubt' }),
  'chaos.partition': (f, m) => ({ text: `chaos: cut off from ${names(f.peers, m)}${forDuration(f)}: every message either way is dropped${byRun(f)}`, tone: 'bad' }),
  'chaos.heal': (f, m) => ({ text: `chaos: links to ${names(f.peers, m)} healed${byRun(f)}`, tone: 'good' }),
  'chaos.delay': (f, m) =>
    Number(f.delayMs) === 0
      ? { text: `chaos: the delay to ${names(f.peers, m)} lifted${byRun(f)}`, tone: 'good' }
      : { text: `chaos: messages to ${names(f.peers, m)} held ${describeHold(Number(f.delayMs), typeof f.jitterMs === 'number' ? f.jitterMs : undefined)}${forDuration(f)}${byRun(f)}`, tone: 'doubt' },
  'chaos.pause': (f) => ({ text: `chaos: the whole process pauses${forDuration(f)}: no timer, message or request runs until it resumes${byRun(f)}`, tone: 'bad' }),
  'chaos.resume': (f) => ({ text: `chaos: running again after a ${formatDuration(Number(f.durationMs))} pause${byRun(f)}`, tone: 'good' }),
  'chaos.skew': (f) =>
    Number(f.offsetMs) === 0
      ? { text: `chaos: the clock is back on real time${byRun(f)}`, tone: 'good' }
      : { text: `chaos: the clock now runs ${formatDuration(Math.abs(Number(f.offsetMs)))} ${Number(f.offsetMs) > 0 ? 'ahead of' : 'behind'} real time${byRun(f)}`, tone: 'doubt' },
  'chaos.kill': (f) => ({ text: `chaos: killed with SIGKILL${typeof f.restartAfterMs === 'number' ? `; swarmkv up starts it again in ${formatDuration(f.restartAfterMs)}` : ''}${byRun(f)}`, tone: 'bad' }),
  'chaos.restarted_after_kill': (f) => ({ text: `started again ${span(f.downMs)} after a chaos kill${byRun(f)}`, tone: 'good' }),
  'chaos.kill_remember_failed': (f) => ({ text: `could not keep the chaos kill for the timeline (the kill happens anyway): ${firstLine(f.error)}`, tone: 'doubt' }),
};

const ELASTICITY: Record<string, Describe> = {
  'rebalance.transfer_started': (f, m) => `range ${f.range}: streaming in from ${m.nameOf(f.from)}${Number(f.resumedAtKeys) > 0 ? `, resumed after ${plural(f.resumedAtKeys, 'key')}` : ''}`,
  'ring.join_waiting': (f, m) => `its ranges are in; waiting for ${m.nameOf(f.for)} (a joiner with a lower node id) to become an owner first`,
  'ring.join_failed': (f) => ({ text: `a join step failed (retried): ${firstLine(f.error)}`, tone: 'bad' }),
  'leave.started': (f) => `leaving the cluster: handing ${plural(f.records, 'record')} over to their next owners`,
  'leave.handover_completed': (f) => ({ text: `leave pass: ${count(Number(f.handedOver))} of ${plural(f.records, 'record')} handed over (${megabytes(Number(f.bytes))}) in ${span(f.ms)}`, tone: 'good' }),
  'leave.handover_incomplete': (f, m) => ({ text: `leave pass: ${f.failed} of ${plural(f.records, 'record')} not acknowledged${f.cutShort === true ? ', cut short by the deadline' : ''} (by ${names(f.failedSuccessors, m)}); sent again`, tone: 'doubt' }),
  'leave.retrying': (f) => `leave: round ${f.round} sends ${plural(f.failed, 'record')} again`,
  'leave.finished': (f) => ({ text: `left the cluster: ${count(Number(f.recordsHandedOver))} of ${plural(f.recordsTotal, 'record')} handed over${Number(f.changedKeys) > 0 ? `, ${plural(f.changedKeys, 'key')} written meanwhile sent again` : ''}; stopping`, tone: 'good' }),
  'leave.failed': (f) => ({ text: `the leave gave up (${f.reason}): still a member, with its data`, tone: 'bad' }),
  'leave.remember_failed': (f) => ({ text: `could not mark the data directory as having left (the leave goes on; wipe it before reusing it): ${firstLine(f.error)}`, tone: 'bad' }),
  'departure.handover_completed': (f) => `stopping: ${count(Number(f.handedOver))} of ${plural(f.records, 'record')} handed on in ${span(f.ms)}`,
  'departure.handover_incomplete': (f, m) => ({ text: `stopping: ${f.failed} of ${plural(f.records, 'record')} reached nobody${f.cutShort === true ? ' (cut short by the deadline)' : ''}; not acknowledged by ${names(f.failedSuccessors, m)}`, tone: 'bad' }),
  'member.removed': (f, m) =>
    f.error === undefined
      ? `${typeof f.name === 'string' ? f.name : m.nameOf(f.member)} removed for good (was ${f.previousState ?? 'unknown'}); ${plural(f.hintsDropped, 'hint')} for it dropped, its ranges re-replicated`
      : { text: `removing ${typeof f.name === 'string' ? f.name : m.nameOf(f.member)} failed: ${firstLine(f.error)}`, tone: 'bad' },
  'membership.removed_self': (f, m) => ({ text: `removed from its cluster while it was down (told by ${m.nameOf(f.from)}): stopping; wipe its data directory to join as a new node`, tone: 'bad' }),
  'membership.removal_remember_failed': (f, m) => ({ text: `could not persist the removal of ${f.member === 'self' ? 'this node' : m.nameOf(f.member)} (it holds in memory): ${firstLine(f.error)}`, tone: 'bad' }),
  'cleanup.pass_finished': (f) => `clean-up: deleted ${f.deleted} of the ${f.notOwned} copies this node no longer owns (${f.pushed} pushed to their owners first, ${f.kept} kept) in ${span(f.ms)}`,
  'cleanup.batch_failed': (f) => ({ text: `a clean-up batch failed (the next tick carries on): ${firstLine(f.error)}`, tone: 'bad' }),
};

const NODE: Record<string, Describe> = {
  'clock.offset_exceeded': (f) => ({ text: `refusing writes: its clock is ${signedSpan(f.offsetMs)} off its peers' (${f.peersBeyond} of ${f.peersMeasured} beyond the ${f.maxOffsetMs} ms bound); fix the clock, or write through another node`, tone: 'bad' }),
  'clock.offset_restored': (f) => ({ text: `its clock is within ${f.maxOffsetMs} ms of its peers' again (${signedSpan(f.offsetMs)}): writing again`, tone: 'good' }),
  'token.created': (f) => `token ${f.id} created, role ${f.role}`,
  'token.revoked': (f) => `token ${f.id} revoked: every node refuses it within 2 s`,
  'storage.commit_failed': (f) => ({ text: `a commit failed, its writes answered 507: ${firstLine(f.error)}`, tone: 'bad' }),
  'storage.keys_reencoded': (f) => ({ text: `rewrote ${plural(f.moved, 'key')} an older build had encoded otherwise${Number(f.unreadable) > 0 ? `; ${f.unreadable} unreadable left in place` : ''}`, tone: Number(f.unreadable) > 0 ? 'doubt' : 'plain' }),
  'storage.alive_mark_failed': (f) => ({ text: `could not record that this node is alive (after a restart it may discard its data needlessly): ${firstLine(f.error)}`, tone: 'bad' }),
  'tombstones.sweep_failed': (f) => ({ text: `a tombstone sweep failed (they accumulate until one succeeds): ${firstLine(f.error)}`, tone: 'bad' }),
  'ring.remember_failed': (f) => ({ text: `could not persist the ring's members: ${firstLine(f.error)}`, tone: 'bad' }),
  'repair.index_failed': (f) => ({ text: `the repair index could not be built, so anti-entropy cannot compare this node's ranges: ${firstLine(f.error)}`, tone: 'bad' }),
  'repair.deferred': (f) => `repair put off for ${span(f.nextInMs)}: the node is ${f.reason}`,
  'hints.keep_failed': (f, m) => ({ text: `could not keep a hint for ${m.nameOf(f.target)} (key ${JSON.stringify(f.key)}), left to read repair and anti-entropy: ${firstLine(f.error)}`, tone: 'doubt' }),
  'metrics.load_failed': (f) => ({ text: `metrics unavailable (/metrics will fail): ${firstLine(f.error)}`, tone: 'bad' }),
  'node.assertion_failed': (f) => ({ text: `an internal invariant broke; stopping with exit code ${f.exitCode}: ${firstLine(f.message)}`, tone: 'bad' }),
  'node.start_abandoned': (f) =>
    f.reason === 'stop_requested'
      ? `start-up abandoned: a stop signal came; closing ${listed(f.closing)}`
      : { text: `start-up failed: ${firstLine(f.error)}; closing ${listed(f.closing)}`, tone: 'bad' },
  'node.start_cleanup_failed': (f) => ({ text: `closing the ${f.resource} after a failed start failed too: ${firstLine(f.error)}`, tone: 'bad' }),
  'http.internal_error': (f) => ({ text: `answered 500 on ${f.route}: ${firstLine(f.error)}`, tone: 'bad' }),
  'http.framework_error': (f) => ({ text: `the HTTP framework failed outside a route (${f.code}): ${firstLine(f.error)}`, tone: 'bad' }),
  'http.client_aborted': (f) => `a client of ${f.route} went away before its answer`,
  'peer.unexpected_message': (f, m) => ({ text: `${m.nameOf(f.from)} sent a ${f.type} message no handler here expects (version skew, or a bug)`, tone: 'doubt' }),
};

const TRANSPORT: Record<string, Describe> = {
  'transport.reconnected': (f, m) => ({ text: `reconnected to ${m.nameOf(f.nodeId)} after ${span(f.downMs)} (${plural(f.attempts, 'attempt')})`, tone: 'good' }),
  'transport.reconnect_attempt': (f, m) => `redialling ${m.nameOf(f.nodeId)} (attempt ${f.attempt})`,
  'transport.reconnect_gave_up': (f, m) => ({ text: `stopped redialling ${m.nameOf(f.nodeId)} after ${plural(f.attempts, 'attempt')}; the topic lookup still finds it if it returns`, tone: 'doubt' }),
  'transport.connection_refused': (f) => ({ text: `refused a connection from ${f.remoteAddress ?? f.remoteKey}: ${f.reason}`, tone: 'doubt' }),
  'transport.connection_error': (f) => `a connection's socket failed (${f.remoteKey}): ${firstLine(f.error)}`,
  'transport.duplicate_connection': (f, m) => `two connections to ${m.nameOf(f.nodeId)}: kept the ${f.kept} one`,
  'transport.message_refused': (f, m) => ({ text: `refused a ${f.bytes}-byte frame from ${m.nameOf(f.from)}: ${f.reason}${typeof f.detail === 'string' ? ` (${f.detail})` : ''}`, tone: 'bad' }),
  'transport.rpc_unmatched_answer': (f, m) => ({ text: `an answer from ${m.nameOf(f.from)} came after its request had timed out`, tone: 'doubt' }),
  'transport.rpc_handler_failed': (f, m) => ({ text: `a ${f.type} request from ${m.nameOf(f.from)} failed here: ${firstLine(f.error)}`, tone: 'bad' }),
  'transport.handler_threw': (f) => ({ text: `a peer-event handler threw: ${firstLine(f.error)}`, tone: 'bad' }),
  'transport.peer_congested': (f, m) => ({ text: `${m.nameOf(f.nodeId)} reads too slowly: messages to it are dropped until it catches up`, tone: 'doubt' }),
  'transport.peer_drained': (f, m) => ({ text: `${m.nameOf(f.nodeId)} caught up; ${plural(f.messagesDropped, 'message')} to it were dropped meanwhile`, tone: 'good' }),
  'transport.discovery_failed': (f) => ({ text: `looking up the cluster's topic on the DHT failed (retried): ${firstLine(f.error)}`, tone: 'doubt' }),
  'transport.close_forced': (f) => ({ text: `closing the transport took over ${span(f.afterMs)}: cut short`, tone: 'doubt' }),
  'transport.closed': () => 'transport closed',
  'transport.crashed': () => ({ text: 'transport crashed (simulated)', tone: 'bad' }),
  'transport.restarted': () => 'transport restarted (simulated)',
  'dht.node_removed': (f) => `DHT node ${f.peer} left (${plural(f.nodes, 'node')} known)`,
  'dht.close_forced': (f) => ({ text: `closing the DHT bootstrap took over ${span(f.afterMs)}: cut short`, tone: 'doubt' }),
};

export const OPERATION_SENTENCES: Readonly<Record<string, Describe>> = { ...CHAOS, ...ELASTICITY, ...NODE, ...TRANSPORT };
