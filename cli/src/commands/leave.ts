// `swarmkv leave [NODE]`: a member (NODE, by name or id, else the node at --url) leaves its cluster for
// good. Over HTTP only: NODE's address comes from the member list of the node at --url; POST
// /cluster/leave on it starts the leave, then GET /cluster/leave until the node reports that every
// record it held is acknowledged by its new owners and it left the ring (it then stops on its own), or
// that the leave failed.

import { defineCommand } from 'citty';
import { LEAVE_MS_MAX, type LeaveStatus } from '../../../node/src';
import { connectionArgs, connectionHelp } from '../common-args';
import { CliFailure, exitCodes } from '../exit-codes';
import { NodeClient, resolveToken, resolveUrls } from '../node-client';
import { printJson, printLine } from '../output';
import { ProgressBar } from '../progress-bar';
import { withHelp } from '../help/command-help';
import { memberNamed } from './member-lookup';

/** Between two polls of the leave's progress. */
const POLL_INTERVAL_MS = 250;
/** The node gives up by LEAVE_MS_MAX; this leaves room for its final status. */
const LEAVE_WAIT_MS_MAX = LEAVE_MS_MAX + 60_000;

function detailOf(status: LeaveStatus): string {
  if (status.phase === 'finishing') return `final pass: ${status.changedKeys ?? 0} keys written meanwhile`;
  return status.phase;
}

/** Where the leave is sent: NODE's own address, or the (first) node at --url. */
async function leaverOf(node: string | undefined, urls: string[], token: string | undefined): Promise<{ url: string; client: NodeClient }> {
  if (node === undefined) return { url: urls[0]!, client: new NodeClient([urls[0]!], token) };
  const { member, url } = await memberNamed(new NodeClient(urls, token), node);
  if (member.state !== 'alive' && member.state !== 'suspect') {
    const remedy = member.state === 'dead' ? `: it cannot hand its data over; \`swarmkv remove ${member.name}\` drops a member that is dead for good` : '';
    throw new CliFailure(exitCodes.refused, `${member.name} (${member.nodeId}) is ${member.state}${remedy}`);
  }
  return { url: `${member.name} (${url})`, client: new NodeClient([url], token) };
}

export const leaveCommand = defineCommand({
  meta: {
    name: 'leave',
    description:
      'A member (NODE, by name or node id, else the node at --url) leaves its cluster for good: it streams every record it holds to the nodes that own it next, hands on its hints, and only once all of them acknowledged every record does it leave the ring and stop. Draws progress on stderr; exits 0 once the node left, 4 if the leave failed (the node then stays a member with its data).',
  },
  args: {
    node: { type: 'positional', description: 'the member to leave, by name or node id (asked of the node at --url); without it, the node at --url leaves', required: false },
    ...connectionArgs,
  },
  async run({ args }) {
    const startedMs = performance.now();
    const { url, client } = await leaverOf(args.node, resolveUrls(args.url), resolveToken(args.token));
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
  examples: ['swarmkv leave node-7072', 'swarmkv leave --url http://127.0.0.1:7072'],
  ...connectionHelp,
});
