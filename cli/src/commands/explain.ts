import { defineCommand } from 'citty';
import type { ExplainReply } from '../../../node/src';
import { connectionArgs, connectionHelp } from '../common-args';
import { withHelp } from '../help/command-help';
import { NodeClient, resolveToken, resolveUrls } from '../node-client';
import { printJson, printLine } from '../output';
import { renderTable } from '../table';
import { jsonForTerminal, quoteForTerminal } from '../terminal-text';

/** What a replica holds, in words: a version, a tombstone, nothing, or unknown (it did not answer). */
function held(replica: ExplainReply['replicas'][number]): string {
  if (!replica.reachable) return '? (unreachable)';
  if (replica.version === null) return '(none)';
  return replica.deleted ? `${replica.version} (deleted)` : replica.version;
}

export const explainCommand = defineCommand({
  meta: {
    name: 'explain',
    description:
      "Explain KEY: its ring position, its home replicas and any stand-ins, the version each holds right now (read from each one's store, without repairing it), the hints pending for it, and whether the replicas agree.\n\nExample: swarmkv explain user:1",
  },
  args: { key: { type: 'positional', description: 'the key', required: true }, ...connectionArgs },
  async run({ args }) {
    const reply = await new NodeClient(resolveUrls(args.url), resolveToken(args.token)).expectOk('GET', `/cluster/explain/${encodeURIComponent(args.key)}`);
    if (args.json) return printJson(reply.body);
    const explanation = reply.body as ExplainReply;
    const names = new Map(explanation.replicas.map((replica) => [replica.nodeId, replica.name]));
    const nameOf = (nodeId: string) => quoteForTerminal(names.get(nodeId) ?? nodeId);
    printLine(`${jsonForTerminal(explanation.key)} at ring position ${explanation.position} (ring ${explanation.ringDigest})`);
    printLine(
      renderTable(
        ['role', 'replica', 'node id', 'http', 'state', 'version held', 'updated at'],
        explanation.replicas.map((replica) => [replica.role, replica.name, replica.nodeId, replica.httpAddress, replica.state, held(replica), replica.updatedAt ?? '']),
      ),
    );
    if (explanation.hints.length === 0) printLine('hints pending: none');
    for (const hint of explanation.hints) printLine(`hints pending: ${hint.count} held by ${nameOf(hint.holderNodeId)} for ${nameOf(hint.targetNodeId)}`);
    printLine(explanation.agree ? `replicas agree on ${explanation.newestVersion ?? '(no value)'}` : `replicas DISAGREE; newest version ${explanation.newestVersion ?? '(none)'}`);
  },
});

withHelp(explainCommand, { group: 'cluster', summary: 'Explain a key: its replicas, the version each holds, hints', examples: ['swarmkv explain user:1'], ...connectionHelp });
