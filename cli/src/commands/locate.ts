import { defineCommand } from 'citty';
import type { KeyLocation } from '../../../node/src';
import { connectionArgs, connectionHelp } from '../common-args';
import { NodeClient, resolveToken, resolveUrls } from '../node-client';
import { printJson, printLine } from '../output';
import { renderTable } from '../table';
import { jsonForTerminal, quoteForTerminal } from '../terminal-text';
import { withHelp } from '../help/command-help';

export const locateCommand = defineCommand({
  meta: {
    name: 'locate',
    description: "Show KEY's position on the ring, its replicas in preference order, and where writes go now.",
  },
  args: { key: { type: 'positional', description: 'the key', required: true }, ...connectionArgs },
  async run({ args }) {
    const reply = await new NodeClient(resolveUrls(args.url), resolveToken(args.token)).expectOk('GET', `/cluster/locate/${encodeURIComponent(args.key)}`);
    if (args.json) return printJson(reply.body);
    const location = reply.body as KeyLocation;
    printLine(`${jsonForTerminal(location.key)} at ring position ${location.position}`);
    printLine(renderTable(['#', 'replica', 'node id', 'http', 'state'], location.replicas.map((replica, index) => [index + 1, replica.name, replica.nodeId, replica.httpAddress, replica.state])));
    const standIns = location.targets.filter((target) => target.standInFor !== null);
    for (const target of standIns) printLine(`stand-in: ${quoteForTerminal(target.nodeId)} holds writes for ${quoteForTerminal(target.standInFor ?? '')} while it is down`);
  },
});

withHelp(locateCommand, { group: 'cluster', summary: 'Show where a key lives: its replicas and stand-ins', examples: ['swarmkv locate user:1'], ...connectionHelp });
