import { defineCommand } from 'citty';
import type { RecordReply } from '../../../node/src';
import { connectionArgs } from '../common-args';
import { keyPath, NodeClient, resolveUrls } from '../node-client';
import { printJson } from '../output';

export const getCommand = defineCommand({
  meta: {
    name: 'get',
    description: 'Print the value of KEY as JSON (with --json: key, value, version, updatedAt). Exit code 1 if absent.\n\nExample: swarmkv get user:1',
  },
  args: {
    key: { type: 'positional', description: 'the key', required: true },
    ...connectionArgs,
  },
  async run({ args }) {
    const reply = await new NodeClient(resolveUrls(args.url)).expectOk('GET', keyPath(args.key));
    const record = reply.body as RecordReply;
    printJson(args.json ? record : record.value);
  },
});
