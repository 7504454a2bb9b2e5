// Which nodes a chaos command talks to. The CLI speaks HTTP only: it asks the node at --url for the
// member list and sends each fault to the member it concerns, at its own httpAddress. Members that
// left or were removed are gone for good; every other one (a `dead` one included: it may only be
// partitioned or paused) can be named and is asked.

import type { MembersReply, MemberView } from '../../../node/src';
import { CliFailure, exitCodes } from '../exit-codes';
import type { NodeClient } from '../node-client';
import { DEPARTED_STATES, memberUrl } from './member-lookup';

export interface ChaosTarget {
  readonly nodeId: string;
  readonly name: string;
  /** Where this member serves HTTP, with the scheme of the node that answered. */
  readonly url: string;
  /** Its state as the node at --url sees it. */
  readonly state: MemberView['state'];
}

/** The members that can be named, as the node at --url knows them. */
export async function chaosTargets(client: NodeClient): Promise<ChaosTarget[]> {
  const reply = await client.expectOk('GET', '/cluster/members');
  return (reply.body as MembersReply).members
    .filter((member) => !DEPARTED_STATES.has(member.state))
    .map((member) => ({ nodeId: member.nodeId, name: member.name, url: memberUrl(member, reply.url), state: member.state }));
}

/** The members named (by name or node id), in the order given; unknown names are a usage error naming them all. */
export function resolveNamed(targets: readonly ChaosTarget[], names: readonly string[]): ChaosTarget[] {
  const unknown = names.filter((name) => findTarget(targets, name) === undefined);
  if (unknown.length > 0) {
    throw new CliFailure(exitCodes.usage, `not a member: ${unknown.join(', ')} (members: ${targets.map((target) => target.name).join(', ')})`);
  }
  return [...new Map(names.map((name) => findTarget(targets, name)!).map((target) => [target.nodeId, target])).values()];
}

function findTarget(targets: readonly ChaosTarget[], name: string): ChaosTarget | undefined {
  return targets.find((target) => target.name === name) ?? targets.find((target) => target.nodeId === name);
}

/**
 * The two sides of `A,B / C`, from the words of the command line (`A,B / C`, `A,B/C` and `A B / C` are
 * the same). With one side only, the other is every other member: `partition n3` cuts n3 off from
 * the rest. A name on both sides, an empty side or a third side is a usage error.
 */
export function parseSides(words: readonly string[]): { left: string[]; right: string[] | undefined } {
  const sides = words.join(' ').split('/').map((side) => side.split(/[\s,]+/).filter((name) => name.length > 0));
  if (sides.length > 2) throw new CliFailure(exitCodes.usage, 'a partition has two sides: A,B / C');
  const [left, right] = sides as [string[], string[] | undefined];
  if (left.length === 0 || (right !== undefined && right.length === 0)) throw new CliFailure(exitCodes.usage, 'name the members of each side: A,B / C (or one side: the rest is the other)');
  const both = left.filter((name) => right?.includes(name));
  if (both.length > 0) throw new CliFailure(exitCodes.usage, `on both sides: ${both.join(', ')}`);
  return { left, right };
}

/** The sides as members: the right side defaults to every member not on the left. */
export function resolveSides(targets: readonly ChaosTarget[], words: readonly string[]): [ChaosTarget[], ChaosTarget[]] {
  const { left, right } = parseSides(words);
  const leftTargets = resolveNamed(targets, left);
  const rightTargets = right === undefined ? targets.filter((target) => !leftTargets.includes(target)) : resolveNamed(targets, right);
  const overlap = leftTargets.filter((target) => rightTargets.includes(target));
  if (overlap.length > 0) throw new CliFailure(exitCodes.usage, `on both sides: ${overlap.map((target) => target.name).join(', ')}`);
  if (rightTargets.length === 0) throw new CliFailure(exitCodes.usage, 'the other side is empty: every member is on one side');
  return [leftTargets, rightTargets];
}
