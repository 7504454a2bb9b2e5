// A member named on the command line (by node id or name), found in the member list of the node at
// --url: the CLI speaks HTTP only, so it learns ids and addresses from GET /cluster/members.

import type { MembersReply, MemberView } from '../../../node/src';
import { CliFailure, exitCodes } from '../exit-codes';
import type { NodeClient } from '../node-client';
import { quoteForTerminal } from '../terminal-text';

/** Members gone for good: they left, or were removed. Nothing is asked of them, nor counted as theirs. */
export const DEPARTED_STATES: ReadonlySet<MemberView['state']> = new Set(['left', 'removed']);

/** Where a member serves HTTP, with the scheme of the node that answered (`answeringUrl`), which is itself the `self` member. */
export function memberUrl(member: MemberView, answeringUrl: string): string {
  return member.self ? answeringUrl : `${new URL(answeringUrl).protocol}//${member.httpAddress}`;
}

export interface FoundMember {
  readonly member: MemberView;
  /** Where the member serves HTTP, with the scheme of the node that answered. */
  readonly url: string;
}

/** The one member with this node id or name; none is exit 1, several (a shared name) a usage error. */
export async function memberNamed(client: NodeClient, node: string): Promise<FoundMember> {
  const reply = await client.expectOk('GET', '/cluster/members');
  const { members } = reply.body as MembersReply;
  const matches = members.filter((member) => member.nodeId === node || member.name === node);
  if (matches.length > 1) {
    const which = matches.map((member) => `${member.nodeId} (${member.state})`).join(', ');
    throw new CliFailure(exitCodes.usage, `${quoteForTerminal(node)} names ${matches.length} members: ${which}; give the node id instead`);
  }
  const member = matches[0];
  if (member === undefined) throw new CliFailure(exitCodes.notFound, `no member named ${quoteForTerminal(node)} (swarmkv status lists them)`);
  return { member, url: memberUrl(member, reply.url) };
}
