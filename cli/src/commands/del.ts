import { defineCommand } from 'citty';
import { connectionArgs, connectionHelp } from '../common-args';
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
  },
  async run({ args }) {
    await new NodeClient(resolveUrls(args.url), resolveToken(args.token)).expectOk('DELETE', keyPath(args.key));
    if (args.json) printJson({ key: args.key, deleted: true });
  },
});

withHelp(delCommand, { group: 'data', summary: 'Delete a key', examples: ['swarmkv del user:1'], ...connectionHelp });
