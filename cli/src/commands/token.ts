// `swarmkv token create | ls | revoke`: API tokens, over the admin routes of any node. A token takes
// effect on every node of the cluster (they are kept, hashed, in the cluster's own keyspace).

import { defineCommand } from 'citty';
import { connectionArgs, connectionHelp } from '../common-args';
import { withHelp } from '../help/command-help';
import { CliFailure, exitCodes } from '../exit-codes';
import { NodeClient, resolveToken, resolveUrls } from '../node-client';
import { printJson, printLine } from '../output';
import { renderTable } from '../table';

const ROLES = ['read', 'write', 'admin'];

interface TokenInfo {
  readonly id: string;
  readonly role: string;
  readonly label: string;
  readonly createdAt: string;
}

const clientOf = (args: { url?: string; token?: string }) => new NodeClient(resolveUrls(args.url), resolveToken(args.token));

const createCommand = defineCommand({
  meta: {
    name: 'create',
    description: 'Create a token with a role (read: GET routes; write: also writes of keys; admin: also repair and tokens). Prints the token once: it is never shown again.\n\nExample: swarmkv token create --role write --label ci',
  },
  args: {
    role: { type: 'string', description: 'read, write or admin', required: true },
    label: { type: 'string', description: 'a note saying whose token it is', default: '' },
    ...connectionArgs,
  },
  async run({ args }) {
    if (!ROLES.includes(args.role)) throw new CliFailure(exitCodes.usage, `--role must be one of ${ROLES.join(', ')}`);
    const reply = await clientOf(args).expectOk('POST', '/tokens', { role: args.role, label: args.label });
    const issued = reply.body as TokenInfo & { token: string };
    if (args.json) printJson(issued);
    else printLine(`${issued.token}\n(id ${issued.id}, role ${issued.role}: shown once; keep it in $SWARMKV_TOKEN or a secret store)`);
  },
});

const lsCommand = defineCommand({
  meta: { name: 'ls', description: 'List the cluster’s tokens: ids, roles, labels (never the tokens).\n\nExample: swarmkv token ls' },
  args: { ...connectionArgs },
  async run({ args }) {
    const { tokens } = (await clientOf(args).expectOk('GET', '/tokens')).body as { tokens: TokenInfo[] };
    if (args.json) printJson({ tokens });
    else printLine(renderTable(['id', 'role', 'label', 'created'], tokens.map((token) => [token.id, token.role, token.label, token.createdAt])));
  },
});

const revokeCommand = defineCommand({
  meta: { name: 'revoke', description: 'Revoke a token by its id (from `token ls`); every node refuses it within 2 s.\n\nExample: swarmkv token revoke 3f9a0c1d2e4b5a69' },
  args: { id: { type: 'positional', description: 'the token id', required: true }, ...connectionArgs },
  async run({ args }) {
    await clientOf(args).expectOk('DELETE', `/tokens/${encodeURIComponent(args.id)}`);
    if (args.json) printJson({ id: args.id, revoked: true });
  },
});

export const tokenCommand = defineCommand({
  meta: { name: 'token', description: 'Create, list and revoke API tokens (needs an admin token).' },
  subCommands: { create: createCommand, ls: lsCommand, revoke: revokeCommand },
});

withHelp(tokenCommand, {
  group: 'cluster',
  summary: 'Create, list and revoke API tokens (admin)',
  examples: ['swarmkv token create --role write --label ci', 'swarmkv token ls', 'swarmkv token revoke 3f9a0c1d2e4b5a69'],
  ...connectionHelp,
});
for (const command of [createCommand, lsCommand, revokeCommand]) {
  withHelp(command, { group: 'cluster', summary: String((command.meta as { description: string }).description.split('.')[0]), examples: [], choices: { role: ['read', 'write', 'admin'] }, ...connectionHelp });
}
