// What the sentences remember between events: the name seen for each node id (membership and
// transport events carry both), and each observer's last view of each member, so a member's change
// reads as what it is: joined, suspect, refuted, alive again.

import type { LogFields } from './event-sentences';

/** What a sentence may look up: names for node ids, and the state an observer last saw a member in. */
export interface EventMemory {
  nameOf(nodeId: unknown): string;
  /** The previous state and incarnation `observer` logged for `member`, then records the new one. */
  remember(observer: string, member: string, state: string, incarnation: number): { state: string; incarnation: number } | undefined;
}

/** Members an observer remembers at most; an older one's next change reads as a first sighting. */
const REMEMBERED_MEMBERS_MAX = 4096;

export class EventNames implements EventMemory {
  readonly #names = new Map<string, string>();
  readonly #states = new Map<string, { state: string; incarnation: number }>();

  learn(fields: LogFields): void {
    const id = fields.member ?? fields.nodeId;
    if (typeof id !== 'string' || typeof fields.name !== 'string') return;
    if (this.#names.size >= REMEMBERED_MEMBERS_MAX && !this.#names.has(id)) this.#names.delete(this.#names.keys().next().value!);
    this.#names.set(id, fields.name);
  }

  nameOf(nodeId: unknown): string {
    return this.#names.get(String(nodeId)) ?? String(nodeId);
  }

  remember(observer: string, member: string, state: string, incarnation: number) {
    const key = `${observer}\u0000${member}`;
    const previous = this.#states.get(key);
    if (this.#states.size >= REMEMBERED_MEMBERS_MAX && previous === undefined) this.#states.delete(this.#states.keys().next().value!);
    this.#states.set(key, { state, incarnation });
    return previous;
  }
}
