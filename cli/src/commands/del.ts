import { defineCommand } from 'citty';
import type { WriteReply } from '../../../node/src';
import { connectionArgs, connectionHelp, consistencyArgs, consistencyHelp, traceArgs, withConsistency, withTrace } from '../common-args';
import { keyPath, NodeClient, resolveToken, resolveUrls } from '../node-client';
import { printJson } from '../output';
import { withHelp } from '../help/command-help';
import { printTraceOf } from '../trace-render';

export const delCommand = defineCommand({
  meta: {
    name: 'del',
    description: 'Delete KEY. Exit code 1 if it did not exist.',
  },
  args: {
    key: { type: 'positional', description: 'the key', required: true },
    ...connectionArgs,
    ...consistencyArgs,
    ...traceArgs,
  },
  async run({ args }) {
    const path = withTrace(withConsistency(keyPath(args.key), args.consistency), args.trace);
    const reply = await new NodeClient(resolveUrls(args.url), resolveToken(args.token)).expectOk('DELETE', path, undefined, args.json ? undefined : printTraceOf);
    // Traced, the node answers 200 with the deletion's version and the trace instead of an empty 204.
    if (args.json) printJson({ key: args.key, deleted: true, ...(args.trace ? (reply.body as WriteReply) : {}) });
  },
});

withHelp(delCommand, { group: 'data', summary: 'Delete a key', examples: ['swarmkv del user:1', 'swarmkv del user:1 --trace'], ...connectionHelp, ...consistencyHelp });
