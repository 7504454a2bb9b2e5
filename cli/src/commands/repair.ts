// `swarmkv repair`: a full anti-entropy pass on every member (or one node), with a progress bar.
// Over HTTP only: POST /cluster/repair on each node, then GET /cluster/repair until every pass is done.

import { defineCommand } from 'citty';
import type { MembersReply, RepairStatus } from '../../../node/src';
import { connectionArgs, connectionHelp } from '../common-args';
import { CliFailure, exitCodes } from '../exit-codes';
import { NodeClient, resolveToken, resolveUrls } from '../node-client';
import { printJson, printLine } from '../output';
import { ProgressBar } from '../progress-bar';
import { withHelp } from '../help/command-help';

/** Between two polls of every node's progress. */
const POLL_INTERVAL_MS = 250;
/** A pass that has not finished by then is reported as a failure (exit 4); the node goes on with it. */
const REPAIR_WAIT_MS_MAX = 60 * 60 * 1000;

interface Target {
  readonly url: string;
  readonly client: NodeClient;
  /** The startedAt of the pass we follow: done once a pass that started then or later has completed. */
  startedAt: string;
  status: RepairStatus;
}

const isDone = (target: Target) => !target.status.running && target.status.lastCompleted !== null && target.status.lastCompleted.finishedAt >= target.startedAt;

async function targetUrls(client: NodeClient, one: boolean): Promise<string[]> {
  if (one) return [(await client.expectOk('GET', '/cluster/repair')).url];
  const reply = await client.expectOk('GET', '/cluster/members');
  const { members } = reply.body as MembersReply;
  // The answering node is reached where it answered: its advertised address may not be (port 0, say).
  return members.filter((member) => member.state === 'alive').map((member) => (member.self ? reply.url : `http://${member.httpAddress}`));
}

/** Starts (or joins, on 409) the pass on one node. */
async function startOn(base: NodeClient, url: string): Promise<Target> {
  const client = base.withUrls([url]);
  const reply = await client.request('POST', '/cluster/repair');
  if (reply.status === 409) {
    const status = (await client.expectOk('GET', '/cluster/repair')).body as RepairStatus;
    return { url, client, startedAt: status.startedAt ?? '', status };
  }
  if (reply.status !== 202) await client.expectOk('POST', '/cluster/repair');
  const status = reply.body as RepairStatus;
  return { url, client, startedAt: status.startedAt ?? '', status };
}

function summary(targets: readonly Target[], elapsedMs: number) {
  const keysRepaired = targets.reduce((sum, target) => sum + (target.status.lastCompleted?.keysRepaired ?? 0), 0);
  const bytesExchanged = targets.reduce((sum, target) => sum + (target.status.lastCompleted?.bytesExchanged ?? 0), 0);
  return { nodes: targets.length, keysRepaired, bytesExchanged, elapsedMs: Math.round(elapsedMs) };
}

export const repairCommand = defineCommand({
  meta: {
    name: 'repair',
    description:
      'Run a full anti-entropy pass now on every alive member (or, with --one, on the --url node only): replicas compare digests of their ranges and exchange what differs. Draws progress on stderr; exits 0 once every pass completed.',
  },
  args: { ...connectionArgs, one: { type: 'boolean', description: 'repair only from the node at --url, not from every member', default: false } },
  async run({ args }) {
    const startedMs = performance.now();
    const client = new NodeClient(resolveUrls(args.url), resolveToken(args.token));
    const urls = await targetUrls(client, args.one);
    const targets = await Promise.all(urls.map((url) => startOn(client, url)));
    const bar = new ProgressBar(`repair (${targets.length} node${targets.length === 1 ? '' : 's'})`);
    for (;;) {
      const done = targets.reduce((sum, target) => sum + target.status.rangesDone, 0);
      const total = targets.reduce((sum, target) => sum + target.status.rangesTotal, 0);
      const repaired = targets.reduce((sum, target) => sum + target.status.keysRepaired, 0);
      const finished = targets.every(isDone);
      bar.update(finished ? total : done, total, `ranges, ${repaired} keys repaired`);
      if (finished) break;
      if (performance.now() - startedMs > REPAIR_WAIT_MS_MAX) throw new CliFailure(exitCodes.refused, `repair not finished after ${REPAIR_WAIT_MS_MAX / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      await Promise.all(targets.filter((target) => !isDone(target)).map(async (target) => (target.status = (await target.client.expectOk('GET', '/cluster/repair')).body as RepairStatus)));
    }
    bar.finish();
    const result = summary(targets, performance.now() - startedMs);
    if (args.json) return printJson(result);
    printLine(`repaired ${result.keysRepaired} keys on ${result.nodes} node${result.nodes === 1 ? '' : 's'}, ${result.bytesExchanged} bytes exchanged, in ${(result.elapsedMs / 1000).toFixed(1)} s`);
  },
});

withHelp(repairCommand, { group: 'cluster', summary: 'Run an anti-entropy pass now and wait for it', examples: ['swarmkv repair', 'swarmkv repair --one --url http://127.0.0.1:7071'], ...connectionHelp });
