// The latest answer of every (node, route) the dashboard polls. A route whose previous request is still
// in flight is not asked again, so a slow node costs one pending request, never a queue of them, and
// every other node's answers keep arriving: the page never waits on its slowest node.
import { request, type Answer } from './answer';

export class Observations {
  readonly #answers = new Map<string, Answer<unknown>>();
  readonly #inflight = new Set<string>();
  readonly #listeners = new Set<() => void>();

  latest<T>(origin: string, path: string): Answer<T> | undefined {
    return this.#answers.get(origin + path) as Answer<T> | undefined;
  }

  /** The latest successful body, or undefined if the last answer failed or none came yet. */
  body<T>(origin: string, path: string): T | undefined {
    const answer = this.latest<T>(origin, path);
    return answer?.ok ? answer.body : undefined;
  }

  inflight(origin: string, path: string): boolean {
    return this.#inflight.has(origin + path);
  }

  /** Asks again unless a request is pending; resolves with the answer (or the pending one's absence). */
  async refresh<T>(origin: string, path: string): Promise<Answer<T> | undefined> {
    const id = origin + path;
    if (this.#inflight.has(id)) return undefined;
    this.#inflight.add(id);
    try {
      const answer = await request<T>(id);
      this.#answers.set(id, answer);
      this.#notify();
      return answer;
    } finally {
      this.#inflight.delete(id);
    }
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  notify(): void {
    this.#notify();
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
