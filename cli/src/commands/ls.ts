import { defineCommand } from 'citty';
import { LIST_LIMIT_MAX, type ListPageReply } from '../../../node/src';
import { connectionArgs, connectionHelp } from '../common-args';
import { CliFailure, exitCodes } from '../exit-codes';
import { NodeClient, resolveToken, resolveUrls } from '../node-client';
import { integerArg } from '../parse-args';
import { printJson, printLine } from '../output';
import { quoteForTerminal } from '../terminal-text';
import { withHelp } from '../help/command-help';

export const lsCommand = defineCommand({
  meta: {
    name: 'ls',
    description: 'List keys in key order, one per line (with --json: one {key, version, updatedAt} per line). Follows pages up to --limit.',
  },
  args: {
    prefix: { type: 'string', description: 'only keys starting with this', default: '' },
    limit: { type: 'string', description: 'at most this many keys', default: '100' },
    ...connectionArgs,
  },
  async run({ args }) {
    const limit = integerArg('--limit', args.limit);
    if (limit < 1) throw new CliFailure(exitCodes.usage, '--limit must be at least 1');
    const client = new NodeClient(resolveUrls(args.url), resolveToken(args.token));
    let remaining = limit;
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ prefix: args.prefix, limit: String(Math.min(remaining, LIST_LIMIT_MAX)) });
      if (cursor !== null) query.set('cursor', cursor);
      const page = (await client.expectOk('GET', `/kv?${query}`)).body as ListPageReply;
      for (const item of page.items.slice(0, remaining)) {
        if (args.json) printJson(item);
        else printLine(quoteForTerminal(item.key));
      }
      remaining -= page.items.length;
      cursor = page.next;
    } while (cursor !== null && remaining > 0);
  },
});

withHelp(lsCommand, { group: 'data', summary: 'List keys, optionally by prefix', examples: ['swarmkv ls --prefix user: --limit 50'], ...connectionHelp });
