// A peer that holds the secret but sends garbage must not be able to fill the log: each kind of
// refusal is logged the first time per peer, and only counted after that (the transport's stats and
// the metrics keep the totals). The memory of what was logged is bounded; past it, it starts over.

import type { Logger } from './log';

/** Events about one peer's bad frames or answers, logged once per peer and kind. */
export const ONCE_PER_PEER_EVENTS: ReadonlySet<string> = new Set([
  'transport.message_refused',
  'transport.rpc_unmatched_answer',
  'transport.rpc_handler_failed',
  'peer.unexpected_message',
]);
/** (event, peer, reason) triples remembered at once. */
const REMEMBERED_MAX = 10_000;

export class OncePerPeer {
  readonly #seen = new Set<string>();

  /** True the first time this event, with this peer and reason or type, is offered. */
  first(event: string, fields: Record<string, unknown>): boolean {
    if (!ONCE_PER_PEER_EVENTS.has(event)) return true;
    const key = `${event}\u0000${String(fields.from ?? '')}\u0000${String(fields.reason ?? fields.type ?? '')}`;
    if (this.#seen.has(key)) return false;
    if (this.#seen.size >= REMEMBERED_MAX) this.#seen.clear();
    this.#seen.add(key);
    return true;
  }
}

/** A logger's `warn`, through the once-per-peer filter. */
export function warnOncePerPeer(logger: Logger, once: OncePerPeer): (event: string, fields: Record<string, unknown>) => void {
  return (event, fields) => {
    if (once.first(event, fields)) logger.warn(event, { ...fields, ...(ONCE_PER_PEER_EVENTS.has(event) ? { loggedOncePerPeer: true } : {}) });
  };
}
