// `swarmkv ring --what-if add=2` / `--what-if remove=node-3` (or both, comma-separated): asks a node
// GET /cluster/ring/what-if and shows what would move, per node, as a table.

import type { WhatIfReply } from '../../../node/src';
import { CliFailure, exitCodes } from '../exit-codes';
import type { NodeClient } from '../node-client';
import { printJson, printLine } from '../output';
import { renderTable } from '../table';

/** `add=N`, `remove=NODE`, comma-separated, into the route's query string. */
export function whatIfQuery(text: string): string {
  const query = new URLSearchParams();
  for (const part of text.split(',').map((piece) => piece.trim()).filter((piece) => piece.length > 0)) {
    const [name, value] = [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)];
    if (part.indexOf('=') < 0 || (name !== 'add' && name !== 'remove') || value.length === 0) {
      throw new CliFailure(exitCodes.usage, `--what-if takes add=N and/or remove=NODE, comma-separated (got ${JSON.stringify(part)})`);
    }
    query.append(name, value);
  }
  if ([...query.keys()].length === 0) throw new CliFailure(exitCodes.usage, '--what-if takes add=N and/or remove=NODE, e.g. --what-if add=2');
  return query.toString();
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

function bytes(count: number): string {
  if (count < 1024) return `${count} B`;
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KiB`;
  return `${(count / (1024 * 1024)).toFixed(1)} MiB`;
}

export async function printWhatIf(client: NodeClient, text: string, json: boolean): Promise<void> {
  const reply = (await client.expectOk('GET', `/cluster/ring/what-if?${whatIfQuery(text)}`)).body as WhatIfReply;
  if (json) return printJson(reply);
  printLine(`what if: ${reply.before.members} -> ${reply.after.members} members (N=${reply.before.replicationFactor} -> ${reply.after.replicationFactor}), from ring ${reply.ringDigest}`);
  const spread = reply.idSamples === 0 ? '' : ` with these placeholder ids; expected ${percent(reply.expectedShare)} ± ${percent(reply.shareStdDev)} (1 std dev over ${reply.idSamples} random ids)`;
  printLine(`key space whose replicas change: ${percent(reply.share)}${spread}`);
  printLine(`keys: ~${reply.keys.changing} of ~${reply.keys.total} change replicas; ${reply.keys.copiesMoved} copies streamed (${reply.keys.reportedBy} members reported key counts)`);
  const rows = reply.nodes.map((node) => [
    node.placeholder ? `${node.name} (new)` : node.name,
    node.keysSent,
    node.keysReceived,
    bytes(node.bytesSent),
    bytes(node.bytesReceived),
    node.keysReleased,
  ]);
  printLine(renderTable(['node', 'keys sent', 'keys received', 'bytes sent', 'bytes received', 'keys released'], rows));
  printLine(`estimated time: ${reply.estimatedSeconds} s at ${reply.rate.keysPerSecond} keys/s (${reply.rate.source === 'measured' ? 'measured on this node' : 'default rate: nothing streamed yet'})`);
  for (const note of reply.notes) printLine(`note: ${note}`);
}
