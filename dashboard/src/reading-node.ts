// Which node the dashboard reads the cluster through. It starts with the node that served the page; if
// that node stops answering (killed, stopped, 503), it asks every member it knows of, in order, and
// reads through the first that answers, and says so. Members' addresses come from their own lists.
import type { ClockView, MemberView } from './api-types';
import type { Observations } from './observations';

export const MEMBERS_PATH = '/cluster/members';

export function originOf(httpAddress: string): string {
  return `http://${httpAddress}`;
}

export class ReadingNode {
  readonly servingOrigin: string;
  #origin: string;
  /** Every member origin ever seen, first the serving one: where to look when the current one fails. */
  readonly #known: string[];
  readonly #observations: Observations;

  constructor(servingOrigin: string, observations: Observations) {
    this.servingOrigin = servingOrigin;
    this.#origin = servingOrigin;
    this.#known = [servingOrigin];
    this.#observations = observations;
  }

  get origin(): string {
    return this.#origin;
  }

  /** The member list as the reading node sees it, from its latest good answer. */
  members(): MemberView[] {
    return this.#observations.body<{ members: MemberView[] }>(this.#origin, MEMBERS_PATH)?.members ?? [];
  }

  /** The reading node's clock against its cluster's, from the same answer; null standalone or before the first. */
  clock(): ClockView | null {
    return this.#observations.body<{ clock?: ClockView | null }>(this.#origin, MEMBERS_PATH)?.clock ?? null;
  }

  /** Every origin the dashboard knows of, with the member list's order after the serving node. */
  knownOrigins(): readonly string[] {
    return this.#known;
  }

  /**
   * One poll: ask the reading node; if its last answer failed, ask everyone and move to the first that
   * answers. While reading elsewhere, keep asking the serving node, and go back to it once it answers.
   */
  poll(): void {
    this.#ask(this.#origin, () => false);
    if (this.#origin !== this.servingOrigin) this.#ask(this.servingOrigin, () => true);
    if (this.#answers(this.#origin) !== false) return;
    for (const origin of this.#known) {
      if (origin !== this.#origin && origin !== this.servingOrigin) this.#ask(origin, () => this.#answers(this.#origin) === false);
    }
  }

  #ask(origin: string, moveHere: () => boolean): void {
    void this.#observations.refresh<{ members: MemberView[] }>(origin, MEMBERS_PATH).then((answer) => {
      if (!answer?.ok) return;
      this.#learn(answer.body.members);
      if (origin !== this.#origin && moveHere()) {
        this.#origin = origin;
        this.#observations.notify();
      }
    });
  }

  /** true: answered last time; false: failed last time (refused, timed out, 5xx); undefined: not asked yet. */
  #answers(origin: string): boolean | undefined {
    const answer = this.#observations.latest(origin, MEMBERS_PATH);
    return answer === undefined ? undefined : answer.ok;
  }

  #learn(members: readonly MemberView[]): void {
    for (const member of [...members].sort((a, b) => a.name.localeCompare(b.name))) {
      const origin = originOf(member.httpAddress);
      if (!this.#known.includes(origin)) this.#known.push(origin);
    }
  }
}
