import { defineCommand } from 'citty';
import { connectionArgs } from '../common-args';
import { keyPath, NodeClient, resolveToken, resolveUrls } from '../node-client';
import { printJson } from '../output';

export const delCommand = defineCommand({
  meta: {
    name: 'del',
    description: 'Delete KEY. Exit code 1 if it did not exist.\n\nExample: swarmkv del user:1',
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
