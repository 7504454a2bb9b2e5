// The member list a completion script offers for an option that names a node: the URLs of the members
// the node at --url (or $SWARMKV_URL) knows and does not consider dead, each with its name. Completion
// must never hang or print errors at a prompt, so this waits briefly and says nothing when it fails.
// Peers choose their names and addresses: a shell may expand what it is offered, so only characters
// that no shell treats specially are let through.

import type { MembersReply } from '../../../node/src';
import { resolveUrls } from '../node-client';

/** A shell waits for this at most before offering no member. */
export const COMPLETION_MEMBERS_TIMEOUT_MS = 1_000;

/** host:port, IPv4, IPv6 in brackets or a DNS name. */
const ADDRESS = /^[A-Za-z0-9.\-\[\]:]+$/;
const NOT_IN_NAME = /[^A-Za-z0-9._-]/g;

/** `url<TAB>name` lines, one per member that may answer; empty when the node cannot be asked. */
export async function memberLines(url: string | undefined): Promise<string> {
  try {
    const [base] = resolveUrls(url);
    const response = await fetch(`${base}/cluster/members`, { signal: AbortSignal.timeout(COMPLETION_MEMBERS_TIMEOUT_MS) });
    if (!response.ok) return '';
    const { members } = (await response.json()) as MembersReply;
    return members
      .filter((member) => member.state !== 'dead' && member.state !== 'left' && member.state !== 'removed')
      .filter((member) => ADDRESS.test(member.httpAddress))
      // The answering node is offered where it answered: its advertised address may not be (port 0, say).
      .map((member) => `${member.self ? base : `http://${member.httpAddress}`}\t${member.name.replace(NOT_IN_NAME, '_')}\n`)
      .join('');
  } catch {
    return '';
  }
}
