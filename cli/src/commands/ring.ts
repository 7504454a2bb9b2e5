import { defineCommand } from 'citty';
import type { MembersReply, RingView } from '../../../node/src';
import { connectionArgs, connectionHelp } from '../common-args';
import { NodeClient, resolveToken, resolveUrls } from '../node-client';
import { printJson, printLine } from '../output';
import { renderTable } from '../table';
import { withHelp } from '../help/command-help';
import { printWhatIf } from './ring-what-if';

/** Share of the 64-bit ring between two hex positions, as (start, end] wrapping. */
function share(start: string, end: string): number {
  const space = 2n ** 64n;
  const width = (BigInt(`0x${end}`) - BigInt(`0x${start}`) + space) % space || space;
  return Number((width * 1_000_000n) / space) / 10_000;
}

export const ringCommand = defineCommand({
  meta: {
    name: 'ring',
    description: 'Show the hash ring: how much of the key space each node holds, and (with --ranges) every range; --what-if predicts a change.',
  },
  args: {
    ...connectionArgs,
    ranges: { type: 'boolean', description: 'list every range with its replica set', default: false },
    'what-if': { type: 'string', description: 'predict a change instead: add=N and/or remove=NODE, comma-separated (keys and bytes each node sends and receives, time)' },
  },
  async run({ args }) {
    const client = new NodeClient(resolveUrls(args.url), resolveToken(args.token));
    if (args['what-if'] !== undefined) return printWhatIf(client, args['what-if'], args.json);
    const ring = (await client.expectOk('GET', '/cluster/ring')).body as RingView;
    if (args.json) return printJson(ring);
    const { members } = (await client.expectOk('GET', '/cluster/members')).body as MembersReply;
    const names = new Map(members.map((member) => [member.nodeId, member.name]));
    const name = (nodeId: string) => names.get(nodeId) ?? nodeId;
    const primary = new Map<string, number>();
    const replica = new Map<string, number>();
    for (const range of ring.ranges) {
      const part = share(range.start, range.end);
      primary.set(range.replicas[0]!, (primary.get(range.replicas[0]!) ?? 0) + part);
      for (const nodeId of range.replicas) replica.set(nodeId, (replica.get(nodeId) ?? 0) + part);
    }
    printLine(`ring ${ring.digest}: ${ring.members.length} members, N=${ring.replicationFactor}, ${ring.tokensPerNode} tokens each, ${ring.ranges.length} ranges`);
    // A node older than the field answers without it.
    const joint = ring.jointRings ?? [];
    if (joint.length > 0) {
      const rings = `${joint.length} other ring${joint.length === 1 ? '' : 's'}`;
      printLine(`a ring change is under way (a node joining or leaving, or just done): writes also need a quorum in ${rings}, ${joint.join(', ')} (docs/elasticity.md, joint quorums)`);
    }
    printLine(renderTable(['node', 'primary share', 'replica share'], ring.members.map((nodeId) => [name(nodeId), `${(primary.get(nodeId) ?? 0).toFixed(1)} %`, `${(replica.get(nodeId) ?? 0).toFixed(1)} %`])));
    if (args.ranges) printLine(renderTable(['start', 'end', 'replicas'], ring.ranges.map((range) => [range.start, range.end, range.replicas.map(name).join(', ')])));
  },
});

withHelp(ringCommand, { group: 'cluster', summary: "Show the hash ring and each node's share", examples: ['swarmkv ring', 'swarmkv ring --ranges', 'swarmkv ring --what-if add=2', 'swarmkv ring --what-if remove=node-3'], ...connectionHelp });
