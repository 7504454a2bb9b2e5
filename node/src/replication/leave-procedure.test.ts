// A leave that cannot finish (its only successor is unreachable) retries, and a node that stops in the
// meantime ends it at once without writing anything more: the store closes right after.
import { expect, test } from 'bun:test';
import { systemClock } from '../clock';
import { silentLogger, type Logger } from '../log';
import { MemoryHintStore, MemoryStore } from '../storage';
import { DepartureGate } from './departure-gate';
import { LeaveProcedure } from './leave-procedure';
import { LocalReplica } from './local-replica';
import { stableWriteTargets, type Placement } from './placement';

const SELF = 'aaaaaaaaaaaaaaaa';
const SUCCESSOR = 'bbbbbbbbbbbbbbbb';
/** Long enough that a leave still in its retry pause when stopped could only end through stop(). */
const RETRY_DELAY_MS = 60_000;

function leaveWithUnreachableSuccessor(retryDelayMs = RETRY_DELAY_MS) {
  const store = new MemoryStore();
  const events: string[] = [];
  const logger: Logger = { ...silentLogger, info: (event) => void events.push(event), warn: (event) => void events.push(event), child: () => logger };
  const announced: boolean[] = [];
  const successors: Placement = { targetsFor: () => [{ nodeId: SUCCESSOR }], writeTargetsFor: () => stableWriteTargets([{ nodeId: SUCCESSOR }]), listing: () => ({ nodes: [SUCCESSOR], rangeReplicas: [[SUCCESSOR]] }) };
  const leave = new LeaveProcedure({
    store,
    hints: new MemoryHintStore({ hintsMax: 10, hintBytesMax: 1024 }),
    gate: new DepartureGate(new LocalReplica(SELF, store)),
    directory: { batchReplica: () => undefined },
    successors: () => successors,
    announceLeaving: (leaving) => void announced.push(leaving),
    announceLeft: async () => {},
    logger,
    clock: systemClock,
    limits: { deadlineMs: 5000, batchMax: 100, changedKeysMax: 100, writeAttemptsMax: 1, retryRoundsMax: 3, retryDelayMs },
  });
  return { store, leave, events, announced };
}

test('stopping the node during a leave ends it at once, and nothing more is announced or written', async () => {
  const { store, leave, events, announced } = leaveWithUnreachableSuccessor();
  await store.write('k', () => ({ key: 'k', valueJson: '1', version: '000000000001.0000.aaaaaaaaaaaaaaaa', updatedAtMs: 1 }));
  const running = leave.start();
  while (!events.includes('leave.retrying')) await Bun.sleep(1);
  leave.stop();
  const status = await running;
  expect(status).toMatchObject({ phase: 'failed', reason: expect.stringContaining('stopped during its leave') });
  // Leaving was announced; staying (an ownership write to a closing store) never is.
  expect(announced).toEqual([true]);
});

test('a leave whose successor stays unreachable fails after its retry rounds, naming it, and stays a member', async () => {
  const { store, leave, events, announced } = leaveWithUnreachableSuccessor(1);
  await store.write('k', () => ({ key: 'k', valueJson: '1', version: '000000000001.0000.aaaaaaaaaaaaaaaa', updatedAtMs: 1 }));
  const status = await leave.start();
  expect(status).toMatchObject({ phase: 'failed', failed: 1, reason: expect.stringContaining(SUCCESSOR) });
  expect(events.filter((event) => event === 'leave.retrying')).toHaveLength(3);
  expect(announced).toEqual([true, false]);
});
