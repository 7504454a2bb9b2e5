import { defineCommand } from 'citty';
import type { MemberView } from '../../../node/src/api/cluster-view';
import type { RepairStatus } from '../../../node/src/replication/repair-status';
import { connectionArgs } from '../common-args';
import { NodeClient, resolveUrls } from '../node-client';
import { printJson, printLine } from '../output';
import { renderTable } from '../table';

export const statusCommand = defineCommand({
  meta: {
    name: 'status',
    description: 'Show the cluster members as the node sees them: state, incarnation, heartbeat age, keys.\n\nExample: swarmkv status --url http://127.0.0.1:7070',
  },
  args: { ...connectionArgs },
  async run({ args }) {
    const client = new NodeClient(resolveUrls(args.url));
    const reply = await client.expectOk('GET', '/cluster/members');
    const { members } = reply.body as { members: MemberView[] };
    if (args.json) return printJson(reply.body);
    const rows = members.map((member) => [
      `${member.name}${member.self ? ' *' : ''}`,
      member.nodeId,
      member.httpAddress,
      member.state,
      member.incarnation,
      `${(member.heartbeatAgeMs / 1000).toFixed(1)} s`,
      member.keyCount ?? '?',
    ]);
    printLine(renderTable(['name', 'node id', 'http', 'state', 'incarnation', 'heard', 'keys'], rows));
    printLine(`${members.filter((member) => member.state === 'alive').length} of ${members.length} alive (* = the node answering)`);
    const repair = await client.request('GET', '/cluster/repair');
    if (repair.status === 200) printLine(describeRepair(repair.body as RepairStatus));
  },
});

/** The answering node's anti-entropy, in one line. */
function describeRepair(status: RepairStatus): string {
  const running = status.running ? `repair running: ${status.rangesDone}/${status.rangesTotal} ranges, ${status.keysRepaired} keys repaired; ` : '';
  const last = status.lastCompleted;
  if (last === null) return `${running}last repair: none completed yet`;
  return `${running}last repair: ${last.finishedAt}, ${last.keysRepaired} keys repaired, ${last.bytesExchanged} bytes exchanged, ${last.durationMs} ms`;
}
