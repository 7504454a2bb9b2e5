// `swarmkv leave`: the node at --url leaves its cluster for good. Over HTTP only: POST /cluster/leave
// starts it, then GET /cluster/leave until the node reports that every record it held is acknowledged
// by its new owners and it left the ring (it then stops on its own), or that the leave failed.

import { defineCommand } from 'citty';
import { LEAVE_MS_MAX, type LeaveStatus } from '../../../node/src';
import { connectionArgs, connectionHelp } from '../common-args';
import { CliFailure, exitCodes } from '../exit-codes';
import { NodeClient, resolveToken, resolveUrls } from '../node-client';
import { printJson, printLine } from '../output';
import { ProgressBar } from '../progress-bar';
import { withHelp } from '../help/command-help';

/** Between two polls of the leave's progress. */
const POLL_INTERVAL_MS = 250;
/** The node gives up by LEAVE_MS_MAX; this leaves room for its final status. */
const LEAVE_WAIT_MS_MAX = LEAVE_MS_MAX + 60_000;

function detailOf(status: LeaveStatus): string {
  if (status.phase === 'finishing') return `final pass: ${status.changedKeys ?? 0} keys written meanwhile`;
  return status.phase;
}

export const leaveCommand = defineCommand({
  meta: {
    name: 'leave',
    description:
      'The node at --url leaves its cluster for good: it streams every record it holds to the nodes that own it next, hands on its hints, and only once all of them acknowledged every record does it leave the ring and stop. Draws progress on stderr; exits 0 once the node left, 4 if the leave failed (the node then stays a member with its data).',
  },
  args: { ...connectionArgs },
  async run({ args }) {
    const startedMs = performance.now();
    const [url] = resolveUrls(args.url);
    const client = new NodeClient([url!], resolveToken(args.token));
    let status = (await client.expectOk('POST', '/cluster/leave')).body as LeaveStatus;
    const bar = new ProgressBar('leave');
    while (status.phase !== 'left' && status.phase !== 'failed') {
      bar.update(status.recordsHandedOver, Math.max(status.recordsTotal, status.recordsHandedOver), detailOf(status));
      if (performance.now() - startedMs > LEAVE_WAIT_MS_MAX) throw new CliFailure(exitCodes.refused, `the leave has not finished after ${LEAVE_WAIT_MS_MAX / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      status = (await client.expectOk('GET', '/cluster/leave')).body as LeaveStatus;
    }
    if (status.phase === 'failed') throw new CliFailure(exitCodes.refused, `the leave failed: ${status.reason ?? 'no reason given'}`);
    bar.update(status.recordsHandedOver, Math.max(status.recordsTotal, status.recordsHandedOver), 'left');
    bar.finish();
    const elapsedMs = Math.round(performance.now() - startedMs);
    if (args.json) return printJson({ ...status, elapsedMs });
    printLine(`${url} left its cluster: ${status.recordsHandedOver} records acknowledged by their new owners (${status.changedKeys ?? 0} written during the stream), in ${(elapsedMs / 1000).toFixed(1)} s; the node stops now`);
  },
});

withHelp(leaveCommand, {
  group: 'cluster',
  summary: 'Leave the cluster for good, handing every record over first',
  examples: ['swarmkv leave --url http://127.0.0.1:7072'],
  ...connectionHelp,
});
