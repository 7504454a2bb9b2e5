import { defineCommand } from 'citty';
import type { RecordReply } from '../../../node/src';
import { connectionArgs, connectionHelp, consistencyArgs, consistencyHelp, traceArgs, withConsistency, withTrace } from '../common-args';
import { keyPath, NodeClient, resolveToken, resolveUrls } from '../node-client';
import { printJson } from '../output';
import { withHelp } from '../help/command-help';
import { printTraceOf } from '../trace-render';

export const getCommand = defineCommand({
  meta: {
    name: 'get',
    description: 'Print the value of KEY as JSON (with --json: key, value, version, updatedAt). Exit code 1 if it is absent.',
  },
  args: {
    key: { type: 'positional', description: 'the key', required: true },
    ...connectionArgs,
    ...consistencyArgs,
    ...traceArgs,
  },
  async run({ args }) {
    const path = withTrace(withConsistency(keyPath(args.key), args.consistency), args.trace);
    const reply = await new NodeClient(resolveUrls(args.url), resolveToken(args.token)).expectOk('GET', path, undefined, args.json ? undefined : printTraceOf);
    const record = reply.body as RecordReply;
    printJson(args.json ? record : record.value);
  },
});

withHelp(getCommand, { group: 'data', summary: "Print a key's value", examples: ['swarmkv get user:1', 'swarmkv get user:1 --json --url http://127.0.0.1:7071', 'swarmkv get user:1 --trace --consistency all'], ...connectionHelp, ...consistencyHelp });
