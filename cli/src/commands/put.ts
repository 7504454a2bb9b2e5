import { defineCommand } from 'citty';
import { readFileSync } from 'node:fs';
import type { WriteReply } from '../../../node/src';
import { connectionArgs, connectionHelp, consistencyArgs, consistencyHelp, traceArgs, withConsistency, withTrace } from '../common-args';
import { keyPath, NodeClient, resolveToken, resolveUrls } from '../node-client';
import { printJson, printLine } from '../output';
import { quoteForTerminal } from '../terminal-text';
import { withHelp } from '../help/command-help';
import { printTraceOf } from '../trace-render';

/** VALUE is parsed as JSON when it is JSON (`42`, `{"a":1}`, `"quoted"`), else taken as a plain string. */
export function parseValueArgument(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const putCommand = defineCommand({
  meta: {
    name: 'put',
    description: 'Create or replace KEY. VALUE is parsed as JSON, else taken as a string; "-" reads it from stdin. Prints the new version.',
  },
  args: {
    key: { type: 'positional', description: 'the key', required: true },
    value: { type: 'positional', description: 'the value (JSON or text; - for stdin)', required: true },
    ...connectionArgs,
    ...consistencyArgs,
    ...traceArgs,
  },
  async run({ args }) {
    const text = args.value === '-' ? readFileSync(0, 'utf8').replace(/\n$/, '') : args.value;
    const path = withTrace(withConsistency(keyPath(args.key), args.consistency), args.trace);
    const reply = await new NodeClient(resolveUrls(args.url), resolveToken(args.token)).expectOk('PUT', path, { value: parseValueArgument(text) }, args.json ? undefined : printTraceOf);
    const result = reply.body as WriteReply;
    if (args.json) printJson(result);
    else printLine(quoteForTerminal(result.version));
  },
});

withHelp(putCommand, {
  group: 'data',
  summary: 'Create or replace a key',
  examples: [`swarmkv put user:1 '{"name":"Ada"}'`, 'echo 42 | swarmkv put counter -', 'swarmkv put user:1 \'"Grace"\' --trace'],
  ...connectionHelp,
  ...consistencyHelp,
});
