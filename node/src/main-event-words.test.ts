import { expect, test } from 'bun:test';
import type { MemberSummary } from './membership';
import { memberReason } from './main-event-words';

const summary = (nodeId: string, name: string, fields: Partial<MemberSummary> = {}): MemberSummary =>
  ({ nodeId, name, httpAddress: '127.0.0.1:1', state: 'alive', incarnation: 1, heartbeatAgeMs: 0, metadata: {}, stateAgeMs: 0, cause: null, suspicionCause: null, connected: true, self: false, ...fields }) as MemberSummary;

test("a member's why names members, and a suspicion that ran out reads from what started it", () => {
  const others = [summary('a1', 'node-7070', { self: true }), summary('a2', 'node-7071')];
  const dead = summary('a3', 'node-7072', { state: 'dead', cause: { by: 'timeout', suspectMs: 1500, accusers: 2 }, suspicionCause: { by: 'probe', helpers: ['a2'], nacks: 1 } });
  const names = new Map([...others, dead].map((member) => [member.nodeId, member.name]));
  const nameOf = (nodeId: unknown) => names.get(String(nodeId)) ?? String(nodeId);
  expect(memberReason(dead, nameOf)).toBe(
    "no ack to this node's ping, nor through node-7071; 1 of them answered they could not reach it either; then suspect for 1.5 s with no refutation (the suspicion timeout; 2 accusers)",
  );
  const byGossip = summary('a3', 'node-7072', { state: 'dead', cause: { by: 'gossip', accuser: 'a2' } });
  expect(memberReason(byGossip, nameOf)).toBe('node-7071 declared it dead, and gossip carried that here');
  // A member not in the list any more is named by its id.
  const suspect = summary('a3', 'node-7072', { state: 'suspect', cause: { by: 'gossip', accuser: 'ff' } });
  expect(memberReason(suspect, nameOf)).toBe('ff suspects it, and gossip carried that here');
  expect(memberReason(others[1]!, nameOf)).toBeNull();
});
