// `swarmkv remove NODE`: a member that is dead for good leaves the ring. Over HTTP only: the member is
// named by id or name (GET /cluster/members), then POST /cluster/members/{nodeId}/remove on any node.

import { defineCommand } from 'citty';
import type { RemovalReply } from '../../../node/src';
import { connectionArgs, connectionHelp } from '../common-args';
import { NodeClient, resolveToken, resolveUrls } from '../node-client';
import { printJson, printLine } from '../output';
import { quoteForTerminal } from '../terminal-text';
import { withHelp } from '../help/command-help';
import { memberNamed } from './member-lookup';

export const removeCommand = defineCommand({
  meta: {
    name: 'remove',
    description:
      'Remove a member that is dead for good: every node drops it from its ring and the hints it held for it, and the surviving replicas copy its ranges to their new owners. Refused (exit 4) for a member that is alive or suspect. A removed node cannot come back under its id: wipe its data directory and start it as a new node.',
  },
  args: { node: { type: 'positional', description: 'the member: its node id or its name', required: true }, ...connectionArgs },
  async run({ args }) {
    const client = new NodeClient(resolveUrls(args.url), resolveToken(args.token));
    const { nodeId } = (await memberNamed(client, args.node)).member;
    const reply = (await client.expectOk('POST', `/cluster/members/${nodeId}/remove`)).body as RemovalReply;
    if (args.json) return printJson(reply);
    printLine(`removed ${quoteForTerminal(reply.name)} (${reply.nodeId}, was ${reply.previousState}); ${reply.hintsDropped} hints for it dropped here; its ranges are being copied to their new owners`);
  },
});

withHelp(removeCommand, {
  group: 'cluster',
  summary: 'Remove a dead member for good; its ranges are re-replicated',
  examples: ['swarmkv remove node-7072', 'swarmkv remove 3f2a9c0d1b7e4a65'],
  ...connectionHelp,
});
