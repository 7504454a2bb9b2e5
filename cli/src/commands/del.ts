import { defineCommand } from 'citty';
import { connectionArgs, connectionHelp, consistencyArgs, consistencyHelp, withConsistency } from '../common-args';
import { keyPath, NodeClient, resolveToken, resolveUrls } from '../node-client';
import { printJson } from '../output';
import { withHelp } from '../help/command-help';

export const delCommand = defineCommand({
  meta: {
    name: 'del',
    description: 'Delete KEY. Exit code 1 if it did not exist.',
  },
  args: {
    key: { type: 'positional', description: 'the key', required: true },
    ...connectionArgs,
    ...consistencyArgs,
  },
  async run({ args }) {
    await new NodeClient(resolveUrls(args.url), resolveToken(args.token)).expectOk('DELETE', withConsistency(keyPath(args.key), args.consistency));
    if (args.json) printJson({ key: args.key, deleted: true });
  },
});

withHelp(delCommand, { group: 'data', summary: 'Delete a key', examples: ['swarmkv del user:1'], ...connectionHelp, ...consistencyHelp });
