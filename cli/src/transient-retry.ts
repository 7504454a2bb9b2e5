// The bulk commands (import, export) send thousands of requests. One refused because a replica was
// briefly away (503) or because the nodes could not be reached for a moment should not end an hour's
// import, so those are retried a few times, with growing pauses; every other answer is final. Their
// --concurrency is bounded here too.

import { HTTP_CONNECTIONS_MAX } from '../../node/src';
import { CliFailure, exitCodes } from './exit-codes';
import type { NodeReply } from './node-client';
import { integerArg } from './parse-args';

/** Requests a bulk command keeps in flight by default (--concurrency). */
export const BULK_CONCURRENCY_DEFAULT = 16;
/** A node admits HTTP_CONNECTIONS_MAX connections; one bulk command may hold at most half of them. */
export const BULK_CONCURRENCY_MAX = HTTP_CONNECTIONS_MAX / 2;

/** --concurrency, checked: a usage error outside 1..BULK_CONCURRENCY_MAX. */
export function concurrencyArg(text: string): number {
  const concurrency = integerArg('--concurrency', text);
  if (concurrency < 1 || concurrency > BULK_CONCURRENCY_MAX) throw new CliFailure(exitCodes.usage, `--concurrency must be 1..${BULK_CONCURRENCY_MAX}, got ${concurrency}`);
  return concurrency;
}

/** Attempts of one request, the first included. */
export const BULK_ATTEMPTS_MAX = 5;
/** The pause before the first retry; it doubles before each next one (0.2 + 0.4 + 0.8 + 1.6 = 3 s in all). */
export const BULK_RETRY_DELAY_MS_FIRST = 200;

/** Answers worth a retry: the node or a proxy before it was busy or without a replica for a moment. */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

export interface RetryCount {
  retries: number;
}

/**
 * `send`'s reply, after up to BULK_ATTEMPTS_MAX attempts while it is transient or no node is
 * reachable; the last attempt's reply (or failure) otherwise. `count.retries` counts the retries made.
 */
export async function withRetries(send: () => Promise<NodeReply>, count: RetryCount, sleep = pause): Promise<NodeReply> {
  for (let attempt = 1; ; attempt++) {
    let reply: NodeReply | undefined;
    try {
      reply = await send();
    } catch (error) {
      const unreachable = error instanceof CliFailure && error.exitCode === exitCodes.unreachable;
      if (!unreachable || attempt >= BULK_ATTEMPTS_MAX) throw error;
    }
    if (reply !== undefined && (!isTransientStatus(reply.status) || attempt >= BULK_ATTEMPTS_MAX)) return reply;
    count.retries += 1;
    await sleep(BULK_RETRY_DELAY_MS_FIRST * 2 ** (attempt - 1));
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
