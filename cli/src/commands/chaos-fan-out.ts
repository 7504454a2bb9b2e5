// One chaos request to each of several members at once, each at its own address. A member that does
// not answer or refuses does not stop the others: a partition half set up would be worse than one
// reported member missing. Every outcome is reported; the command exits with the first failure's code.

import { CliFailure, exitCodes, type ExitCode } from '../exit-codes';
import { describeRefusal, exitCodeForStatus, type NodeClient } from '../node-client';
import { printError } from '../output';
import type { ChaosTarget } from './chaos-members';

export interface ChaosRequest {
  readonly target: ChaosTarget;
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
}

export interface ChaosOutcome {
  readonly target: ChaosTarget;
  readonly ok: boolean;
  readonly exitCode: ExitCode;
  /** The node's reply body when it answered 2xx. */
  readonly body: unknown;
  /** What went wrong, when it did. */
  readonly error: string | undefined;
}

export async function sendToEach(client: NodeClient, requests: readonly ChaosRequest[]): Promise<ChaosOutcome[]> {
  return Promise.all(requests.map((request) => sendOne(client, request)));
}

async function sendOne(client: NodeClient, { target, method, path, body }: ChaosRequest): Promise<ChaosOutcome> {
  try {
    const reply = await client.withUrls([target.url]).request(method, path, body);
    if (reply.status >= 200 && reply.status < 300) return { target, ok: true, exitCode: exitCodes.ok, body: reply.body, error: undefined };
    return { target, ok: false, exitCode: exitCodeForStatus(reply.status), body: undefined, error: describeRefusal(reply.status, reply.body) };
  } catch (error) {
    if (!(error instanceof CliFailure)) throw error;
    return { target, ok: false, exitCode: error.exitCode, body: undefined, error: error.message };
  }
}

/** Names each member that failed on stderr; then fails with the first failure's exit code, if any. */
export function reportFailures(outcomes: readonly ChaosOutcome[]): void {
  const failed = outcomes.filter((outcome) => !outcome.ok);
  for (const outcome of failed) printError(`${outcome.target.name} (${outcome.target.url}): ${outcome.error ?? 'failed'}`);
  if (failed.length > 0) throw new CliFailure(failed[0]!.exitCode, `${failed.length} of ${outcomes.length} members did not apply it`);
}
