// `swarmkv events`: what the members logged lately, in words, on one timeline: each member's
// GET /cluster/events (the node's last 1,000 events of level info and above, each with the sentence
// `swarmkv up`'s pretty log gives it), merged by time. With --follow it goes on printing new events
// as they come, a second apart, across the whole cluster, until Ctrl-C: the log of `swarmkv up` for
// a cluster that runs elsewhere (in Compose, on other machines). Over HTTP only.

import { defineCommand } from 'citty';
import { EVENT_TOPIC_NAMES, isEventTopic, topicOf, type EventsReply, type EventTopic, type MembersReply, type MemberView } from '../../../node/src';
import { connectionArgs, connectionHelp } from '../common-args';
import { EventTail, type TailedEvent, type TailedMember } from '../event-tail';
import { CliFailure, exitCodes } from '../exit-codes';
import { withHelp } from '../help/command-help';
import { EventLinePainter } from '../log-format/event-line-painter';
import { NodeClient, resolveToken, resolveUrls, describeRefusal } from '../node-client';
import { printJson, printLine, printNote } from '../output';
import { waitForStopSignal } from '../stop-signals';
import { coloursFor } from '../terminal-text';
import { DEPARTED_STATES, memberUrl } from './member-lookup';

/** Between two polls with --follow. */
const FOLLOW_INTERVAL_MS = 1000;
/** With --follow, the member list is asked again this often, so a member that joins is followed too. */
const MEMBERS_REFRESH_MS = 5000;
/** Events printed before following (or at all, without --follow) unless --limit says otherwise. */
const EVENTS_SHOWN_DEFAULT = 30;
const EVENTS_SHOWN_MAX = 100_000;
const LEVELS = ['info', 'warn', 'error'] as const;
/** After Ctrl-C, requests still in flight get this long before the process exits anyway. */
const STOP_GRACE_MS = 300;
const STOPPED: unique symbol = Symbol('stopped');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The members worth asking: every one not gone for good nor held dead; with --one, only the answering node. */
async function membersToAsk(client: NodeClient, one: boolean): Promise<TailedMember[]> {
  const reply = await client.expectOk('GET', '/cluster/members');
  const { members } = reply.body as MembersReply;
  const asked = members.filter((member: MemberView) => (one ? member.self : !DEPARTED_STATES.has(member.state) && member.state !== 'dead'));
  return asked.map((member) => ({ name: member.name, url: memberUrl(member, reply.url) }));
}

function fetcherFor(client: NodeClient) {
  return async (url: string, after: number, limit: number): Promise<EventsReply> => {
    const reply = await client
      .withUrls([url])
      .request('GET', `/cluster/events?after=${after}&limit=${limit}`)
      // One URL was tried: say its failure (`ECONNREFUSED`, `timed out`) without the client's "no node reachable (...)".
      .catch((error: unknown) => {
        throw error instanceof CliFailure ? new Error(error.message.replace(/^no node reachable \(.+?: (.*)\)$/, '$1')) : error;
      });
    if (reply.status !== 200) throw new Error(describeRefusal(reply.status, reply.body));
    return reply.body as EventsReply;
  };
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) return EVENTS_SHOWN_DEFAULT;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 0 || limit > EVENTS_SHOWN_MAX) throw new CliFailure(exitCodes.usage, `--limit must be a whole number from 0 to ${EVENTS_SHOWN_MAX}, got ${JSON.stringify(text)}`);
  return limit;
}

function parseLevel(text: string | undefined): number {
  const index = LEVELS.indexOf((text ?? 'info') as (typeof LEVELS)[number]);
  if (index < 0) throw new CliFailure(exitCodes.usage, `--level must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(text)}`);
  return index;
}

/** `--topic membership,chaos`: the topics shown; undefined (all) without the flag. */
export function parseTopics(text: string | undefined): ReadonlySet<EventTopic> | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !isEventTopic(name));
  if (names.length === 0 || unknown.length > 0) throw new CliFailure(exitCodes.usage, `--topic takes a comma-separated list of ${EVENT_TOPIC_NAMES.join(', ')}; got ${JSON.stringify(text)}`);
  return new Set(names.filter(isEventTopic));
}

/**
 * Whether an event passes --level and --topic. The topic is read from the event's name, as the node
 * itself derives it (log-text's topicOf), so an event from a node too old to send one is judged alike.
 */
export function eventFilter(least: number, topics: ReadonlySet<EventTopic> | undefined): (event: TailedEvent) => boolean {
  return (event) => LEVELS.indexOf(event.level) >= least && (topics === undefined || topics.has(topicOf(event.event)));
}

/** Prints events as painted lines, or with --json one JSON object per line. */
function printerFor(json: boolean): (event: TailedEvent) => void {
  if (json) return ({ timeMs: _timeMs, ...event }) => printJson(event);
  const painter = new EventLinePainter(coloursFor(process.stdout));
  return (event) => printLine(painter.line(event));
}

export const eventsCommand = defineCommand({
  meta: {
    name: 'events',
    description:
      "Print what the members logged lately, in words, on one timeline: each member's recent events (info and above, the last 1,000 it keeps), each as the sentence swarmkv up's log gives it, merged by time. With --follow, go on printing new ones until Ctrl-C, across the whole cluster. --topic follows one thread: membership (alive, suspect, dead, clocks), ring (joins, leaves, streamed ranges), replication (hints, repair, tombstones), chaos (faults injected), transport (the DHT, links) or node (the process itself).",
  },
  args: {
    ...connectionArgs,
    follow: { type: 'boolean', description: 'go on printing new events, a second apart, until Ctrl-C (exit 0)', default: false },
    limit: { type: 'string', description: 'how many of the latest events to print first (0: none, with --follow only what comes next)' },
    level: { type: 'string', description: 'the least level shown: `info`, `warn` or `error`' },
    topic: { type: 'string', description: `only events about these, comma-separated: ${EVENT_TOPIC_NAMES.join(', ')}` },
    one: { type: 'boolean', description: 'only the node at --url, not every member', default: false },
  },
  async run({ args }) {
    const limit = parseLimit(args.limit);
    const shown = eventFilter(parseLevel(args.level), parseTopics(args.topic));
    const client = new NodeClient(resolveUrls(args.url), resolveToken(args.token));
    const tail = new EventTail(fetcherFor(client));
    const print = printerFor(args.json);
    let members = await membersToAsk(client, args.one);
    const first = await tail.poll(members);
    for (const note of first.notes) printNote(note);
    const backlog = first.events.filter(shown);
    backlog.slice(Math.max(0, backlog.length - limit)).forEach(print);
    if (!args.follow) return;

    const stop: Promise<typeof STOPPED> = waitForStopSignal().then(() => STOPPED);
    let membersAskedMs = performance.now();
    for (;;) {
      if ((await Promise.race([sleep(FOLLOW_INTERVAL_MS), stop])) === STOPPED) break;
      if (!args.one && performance.now() - membersAskedMs >= MEMBERS_REFRESH_MS) {
        members = await membersToAsk(client, false).catch(() => members);
        membersAskedMs = performance.now();
      }
      const next = await Promise.race([tail.poll(members), stop]);
      if (next === STOPPED) break;
      for (const note of next.notes) printNote(note);
      next.events.filter(shown).forEach(print);
    }
    // Stopped by Ctrl-C, the normal end of --follow: exit 0 now rather than when a request still
    // waiting on a member that does not answer times out.
    setTimeout(() => process.exit(), STOP_GRACE_MS).unref();
  },
});

withHelp(eventsCommand, {
  group: 'cluster',
  summary: 'Print what the members logged lately, in words; --follow for more',
  examples: ['swarmkv events', 'swarmkv events --follow', 'swarmkv events --follow --topic membership,chaos', 'swarmkv events --level warn --limit 100', 'swarmkv events --one --url http://127.0.0.1:7071 --json'],
  ...connectionHelp,
  defaults: { ...connectionHelp.defaults, limit: String(EVENTS_SHOWN_DEFAULT), level: 'info' },
  choices: { level: LEVELS },
});
