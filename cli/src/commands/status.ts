import { defineCommand } from 'citty';
import { signedSpan, span, type ClockView, type ClusterHealthReply, type MembersReply, type MemberView, type RepairStatus } from '../../../node/src';
import { formatMs } from '../answer-times';
import { connectionArgs, connectionHelp } from '../common-args';
import { exchange } from '../http-exchange';
import { NodeClient, resolveToken, resolveUrls } from '../node-client';
import { printJson, printLine } from '../output';
import { renderTable } from '../table';
import { withHelp } from '../help/command-help';
import { DEPARTED_STATES, memberUrl } from './member-lookup';

/** How long each member may take to report its hint backlog before it is shown as "?". */
export const MEMBER_HEALTH_TIMEOUT_MS = 2000;

/** What a member says of itself; null where it did not answer in time. */
interface FirstHand {
  readonly pendingHints: number | null;
  readonly liveKeys: number | null;
}

/**
 * A member's pending hints from its own /cluster/health and its live keys from its own /health, asked
 * with the same scheme and token as the answering node (a cluster that requires tokens requires them on
 * every member). The key count in the member list travels by gossip and is seconds old: right after an
 * import it still reads 0 on the other members.
 */
async function firstHand(member: MemberView, answeringUrl: string, token: string | undefined): Promise<FirstHand> {
  if (member.state === 'dead' || DEPARTED_STATES.has(member.state)) return { pendingHints: null, liveKeys: null };
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const ask = async (path: string): Promise<unknown> => {
    try {
      const answer = await exchange(new URL(`${memberUrl(member, answeringUrl)}${path}`), 'GET', headers, undefined, MEMBER_HEALTH_TIMEOUT_MS);
      return answer.status >= 200 && answer.status < 300 ? JSON.parse(answer.text) : undefined;
    } catch {
      return undefined;
    }
  };
  const [cluster, node] = (await Promise.all([ask('/cluster/health'), ask('/health')])) as [Partial<ClusterHealthReply> | undefined, { storage?: { liveKeys?: unknown } } | undefined];
  const pendingHints = typeof cluster?.hints?.pending === 'number' ? cluster.hints.pending : null;
  const liveKeys = typeof node?.storage?.liveKeys === 'number' ? node.storage.liveKeys : null;
  return { pendingHints, liveKeys };
}

/** `3 of 4 members alive`, and the departed ones apart: `; gone: 1 left, 1 removed`. */
export function membersLine(members: readonly MemberView[]): string {
  const current = members.filter((member) => !DEPARTED_STATES.has(member.state));
  const alive = current.filter((member) => member.state === 'alive').length;
  const gone = [...DEPARTED_STATES].map((state) => [state, members.filter((member) => member.state === state).length] as const).filter(([, count]) => count > 0);
  return `${alive} of ${current.length} alive${gone.length === 0 ? '' : `; gone: ${gone.map(([state, count]) => `${count} ${state}`).join(', ')}`}`;
}

/**
 * A member's clock offset, signed, in the words the log sentences use (and the dashboard writes):
 * `+0 ms`, `-2.0 s`, `+1 min 30 s`, `+1 h 5 min`; `?` when not measured.
 */
export function formatClockOffset(offsetMs: number | null): string {
  return offsetMs === null ? '?' : signedSpan(offsetMs);
}

/**
 * Why each member that is not simply alive is in its state, as the answering node knows it, one line
 * each: `node-7072 is dead for 14.2 s: suspect for 3.0 s with no refutation (...)`.
 */
export function reasonLines(members: readonly MemberView[]): string[] {
  return members.filter((member) => member.why !== null).map((member) => `${member.name} is ${member.state} for ${span(member.stateAgeMs)}: ${member.why}`);
}

/** A line when the answering node refuses writes for its clock; undefined while it writes. */
export function clockRefusalLine(members: readonly MemberView[], clock: ClockView | null): string | undefined {
  if (clock === null || clock.synchronized) return undefined;
  const name = members.find((member) => member.self)?.name ?? 'the answering node';
  return `${name} refuses writes: its clock is ${formatClockOffset(clock.offsetMs)} off its cluster's, beyond its --max-clock-offset-ms of ${clock.maxOffsetMs} ms (write through another node)`;
}

/** `1.2 ms`, `201 ms, asked last` (reads ask it after a key's other replicas), or `-` (itself, or not measured lately). */
function answersWords(member: { readonly answerMs: number | null; readonly askedLast: boolean }): string {
  if (member.answerMs === null) return '-';
  return `${formatMs(member.answerMs)}${member.askedLast ? ', asked last' : ''}`;
}

export const statusCommand = defineCommand({
  meta: {
    name: 'status',
    description:
      'Show the cluster members as the node sees them: state, incarnation, heartbeat age, the keys and the hints for down replicas each holds (asked of every member; for keys, the gossiped count when it does not answer; "?" when there is none), how far each one\'s clock is from the answering node\'s (for the answering node, from its cluster\'s: a node further than its --max-clock-offset-ms from most of its peers refuses writes), and how long each has lately taken to answer the answering node\'s replica requests ("asked last": its reads ask that member after a key\'s other replicas); under the table, why each member that is not simply alive is in its state (the probe that failed, the suspicion that ran out, whose gossip said so) and for how long.',
  },
  args: { ...connectionArgs },
  async run({ args }) {
    const token = resolveToken(args.token);
    const client = new NodeClient(resolveUrls(args.url), token);
    const reply = await client.expectOk('GET', '/cluster/members');
    const { members, clock } = reply.body as MembersReply;
    const reports = await Promise.all(members.map((member) => firstHand(member, reply.url, token)));
    if (args.json) return printJson({ members: members.map((member, index) => ({ ...member, ...reports[index] })), clock });
    const rows = members.map((member, index) => [
      `${member.name}${member.self ? ' *' : ''}`,
      member.nodeId,
      member.httpAddress,
      member.state,
      member.incarnation,
      `${(member.heartbeatAgeMs / 1000).toFixed(1)} s`,
      // A departed member's last gossiped count says nothing about the cluster's data any more.
      DEPARTED_STATES.has(member.state) ? '-' : (reports[index]!.liveKeys ?? member.keyCount ?? '?'),
      DEPARTED_STATES.has(member.state) ? '-' : (reports[index]!.pendingHints ?? '?'),
      DEPARTED_STATES.has(member.state) ? '-' : formatClockOffset(member.clockOffsetMs),
      answersWords(member),
    ]);
    printLine(renderTable(['name', 'node id', 'http', 'state', 'incarnation', 'heard', 'keys', 'hints', 'clock', 'answers'], rows));
    for (const line of reasonLines(members)) printLine(line);
    printLine(`${membersLine(members)} (* = the node answering; hints = writes held for replicas that were down or missed them; clock = offset from the answering node's clock, and its own from the cluster's; answers = how long each took lately to answer the answering node's replica requests)`);
    const refusing = clockRefusalLine(members, clock ?? null);
    if (refusing !== undefined) printLine(refusing);
    const repair = await client.request('GET', '/cluster/repair');
    if (repair.status === 200) printLine(describeRepair(repair.body as RepairStatus));
  },
});

withHelp(statusCommand, { group: 'cluster', summary: 'Show the members, their state and their hints', examples: ['swarmkv status', 'swarmkv status --url http://127.0.0.1:7071'], ...connectionHelp });

/** The answering node's anti-entropy, in one line. */
function describeRepair(status: RepairStatus): string {
  const running = status.running ? `repair running: ${status.rangesDone}/${status.rangesTotal} ranges, ${status.keysRepaired} keys repaired; ` : '';
  const last = status.lastCompleted;
  if (last === null) return `${running}last repair: none completed yet`;
  return `${running}last repair: ${last.finishedAt}, ${last.keysRepaired} keys repaired, ${last.bytesExchanged} bytes exchanged, ${last.durationMs} ms`;
}
