// `swarmkv rebalance`: the range transfers of every alive member (or one node), one progress bar per
// transfer in progress, then the queued and the recently finished ones. With --watch it redraws every
// second until no transfer is left and every member is an owner. Over HTTP only: GET /cluster/rebalance.

import { defineCommand } from 'citty';
import type { MembersReply, RebalanceReply } from '../../../node/src';
import { connectionArgs, connectionHelp } from '../common-args';
import { CliFailure, exitCodes } from '../exit-codes';
import { withHelp } from '../help/command-help';
import { NodeClient, resolveToken, resolveUrls } from '../node-client';
import { printJson, printLine } from '../output';
import { megabytes } from '../amounts';
import { progressLine } from '../progress-bar';

/** Between two redraws with --watch. */
const WATCH_INTERVAL_MS = 1000;
/** --watch gives up (exit 4) if transfers are still going after this. */
const WATCH_MS_MAX = 6 * 60 * 60 * 1000;
/** Finished transfers shown per node (the node keeps a few more). */
const FINISHED_SHOWN_MAX = 3;

type Transfer = RebalanceReply['inProgress'][number];
type NodeRebalance = RebalanceReply & { readonly url: string };

async function memberUrls(client: NodeClient, one: boolean): Promise<string[]> {
  if (one) return [(await client.expectOk('GET', '/cluster/rebalance')).url];
  const reply = await client.expectOk('GET', '/cluster/members');
  const { members } = reply.body as MembersReply;
  return members.filter((member) => member.state === 'alive').map((member) => (member.self ? reply.url : `http://${member.httpAddress}`));
}

async function fetchAll(client: NodeClient, urls: readonly string[]): Promise<NodeRebalance[]> {
  return Promise.all(urls.map(async (url) => ({ url, ...((await client.withUrls([url]).expectOk('GET', '/cluster/rebalance')).body as RebalanceReply) })));
}

function short(nodeId: string): string {
  return nodeId.slice(0, 8);
}

function transferLine(transfer: Transfer): string {
  const label = `  ${transfer.range.start.slice(0, 6)}..${transfer.range.end.slice(0, 6)} ${short(transfer.from)} -> ${short(transfer.to)}`;
  const total = transfer.keysTotal ?? transfer.keysDone;
  const rate = `${transfer.keysPerSecond} keys/s, ${megabytes(transfer.bytesPerSecond)}/s`;
  const eta = transfer.etaMs === null ? '' : `, ETA ${(transfer.etaMs / 1000).toFixed(0)} s`;
  return progressLine(label, transfer.keysDone, total, `keys, ${megabytes(transfer.bytesDone)}${transfer.bytesTotal === null ? '' : ` of ~${megabytes(transfer.bytesTotal)}`}, ${rate}${eta}`);
}

function render(nodes: readonly NodeRebalance[]): string[] {
  const lines: string[] = [];
  for (const node of nodes) {
    lines.push(`${short(node.nodeId)} (${node.url}): ${node.ownership}, ${node.inProgress.length} in progress, ${node.queued.length} queued, ${node.keysStreamed} keys / ${megabytes(node.bytesStreamed)} streamed in`);
    for (const transfer of node.inProgress) lines.push(transferLine(transfer));
    for (const transfer of node.finished.slice(0, FINISHED_SHOWN_MAX)) {
      lines.push(`  ${transfer.state} ${transfer.range.start.slice(0, 6)}..${transfer.range.end.slice(0, 6)} from ${short(transfer.from)}: ${transfer.keysDone} keys, ${megabytes(transfer.bytesDone)}${transfer.error === null ? '' : ` (${transfer.error})`}`);
    }
  }
  return lines;
}

const settled = (nodes: readonly NodeRebalance[]) => nodes.every((node) => node.ownership === 'owner' && node.inProgress.length === 0 && node.queued.length === 0);

export const rebalanceCommand = defineCommand({
  meta: {
    name: 'rebalance',
    description:
      'Show the range transfers of every alive member (or, with --one, of the --url node): a node joining the ring streams each range it will own from a current replica before quorums count it. One progress bar per transfer in progress, with keys and bytes done, rate and ETA; then the last finished ones.',
  },
  args: {
    ...connectionArgs,
    one: { type: 'boolean', description: 'only the node at --url, not every member', default: false },
    watch: { type: 'boolean', description: 'redraw every second until every member is an owner and no transfer is left', default: false },
  },
  async run({ args }) {
    const client = new NodeClient(resolveUrls(args.url), resolveToken(args.token));
    const urls = await memberUrls(client, args.one);
    const startedMs = performance.now();
    for (;;) {
      const nodes = await fetchAll(client, urls);
      if (args.json) printJson({ nodes });
      else {
        if (args.watch && process.stdout.isTTY) process.stdout.write('\x1b[H\x1b[2J');
        for (const line of render(nodes)) printLine(line);
      }
      if (!args.watch || settled(nodes)) return;
      if (performance.now() - startedMs > WATCH_MS_MAX) throw new CliFailure(exitCodes.refused, `transfers still going after ${WATCH_MS_MAX / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, WATCH_INTERVAL_MS));
    }
  },
});

withHelp(rebalanceCommand, {
  group: 'cluster',
  summary: 'Show range transfers (joining nodes streaming their ranges in)',
  examples: ['swarmkv rebalance', 'swarmkv rebalance --watch', 'swarmkv rebalance --one --url http://127.0.0.1:7073 --json'],
  ...connectionHelp,
});
