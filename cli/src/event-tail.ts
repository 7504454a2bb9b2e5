// The events of several members, read from each one's GET /cluster/events and merged into one
// timeline: each poll asks every member for what came after the last event it saw from it, and gives
// back the new events in time order. A member that does not answer is noted once, when it stops and
// when it answers again; a member that restarted (a new `startedAt`, its sequence from 1 again) is
// read from the start of its new life, so its first events (listening, joining) are not skipped.

import { RECENT_EVENTS_MAX, type EventsReply } from '../../node/src';

export type ClusterEvent = EventsReply['events'][number];

export interface TailedMember {
  readonly name: string;
  readonly url: string;
}

export interface TailedEvent extends ClusterEvent {
  /** The member's name as the member list gives it. */
  readonly node: string;
  readonly nodeId: string;
  readonly timeMs: number;
}

export interface TailPoll {
  readonly events: TailedEvent[];
  /** Members that stopped or started answering since the last poll, in words. */
  readonly notes: string[];
}

/** GET /cluster/events?after=…&limit=… of one member; throws (with a message that says why) when it does not answer. */
export type EventsFetch = (url: string, after: number, limit: number) => Promise<EventsReply>;

/** Pages read from one member in one poll at most: its whole buffer. */
const PAGES_PER_POLL_MAX = 2;

export class EventTail {
  readonly #fetch: EventsFetch;
  readonly #cursors = new Map<string, { readonly startedAt: string; readonly after: number }>();
  readonly #failing = new Map<string, string>();

  constructor(fetch: EventsFetch) {
    this.#fetch = fetch;
  }

  async poll(members: readonly TailedMember[]): Promise<TailPoll> {
    const notes: string[] = [];
    const read = await Promise.all(members.map((member) => this.#read(member, notes)));
    const events = read.flat().sort((a, b) => a.timeMs - b.timeMs || a.node.localeCompare(b.node) || a.seq - b.seq);
    return { events, notes };
  }

  async #read(member: TailedMember, notes: string[]): Promise<TailedEvent[]> {
    const events: TailedEvent[] = [];
    try {
      const cursor = this.#cursors.get(member.url);
      let after = cursor?.after ?? 0;
      let startedAt = cursor?.startedAt;
      for (let page = 0; page < PAGES_PER_POLL_MAX; page++) {
        const reply = await this.#fetch(member.url, after, RECENT_EVENTS_MAX);
        // A restarted member numbers its events from 1 again: read its new life from the start.
        if (startedAt !== undefined && reply.startedAt !== startedAt && after > 0) {
          startedAt = reply.startedAt;
          after = 0;
          continue;
        }
        startedAt = reply.startedAt;
        events.push(...reply.events.map((event) => ({ ...event, node: member.name, nodeId: reply.nodeId, timeMs: Date.parse(event.time) })));
        after = reply.next;
        if (reply.events.length < RECENT_EVENTS_MAX) break;
      }
      this.#cursors.set(member.url, { startedAt: startedAt!, after });
      if (this.#failing.delete(member.url)) notes.push(`${member.name} answers again`);
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      if (!this.#failing.has(member.url)) notes.push(`${member.name} does not answer (${problem}); its events follow when it does`);
      this.#failing.set(member.url, problem);
    }
    return events;
  }
}
