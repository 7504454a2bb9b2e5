import { describe, expect, test } from 'bun:test';
import { GROUP_COMMIT_MEMBERS_MAX, GroupCommit, type SealedBatch } from './group-commit';

/** A transaction runner whose commits and flushes the test settles by hand, recording each batch's members. */
function manualRunner() {
  const batches: string[][] = [];
  const pending: { commit: () => void; fail: (error: Error) => void; flush: () => void }[] = [];
  let staging: string[] | undefined;
  const runner = (stageMembers: () => void): SealedBatch => {
    staging = [];
    stageMembers();
    batches.push(staging);
    staging = undefined;
    let commit!: () => void;
    let fail!: (error: Error) => void;
    let flush!: () => void;
    const committed = new Promise<void>((resolve, reject) => {
      commit = resolve;
      fail = reject;
    });
    const flushed = new Promise<void>((resolve) => (flush = resolve));
    pending.push({ commit, fail, flush });
    return { committed, durable: committed.then(() => flushed) };
  };
  const stage = (name: string) => () => {
    staging?.push(name);
    return name;
  };
  return { runner, batches, pending, stage };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  test('an idle queue starts a transaction at once; what arrives while it commits shares the next, in order', async () => {
    const { runner, batches, pending, stage } = manualRunner();
    const group = new GroupCommit(runner);
    const first = group.submit(stage('a'));
    await turn();
    expect(batches).toEqual([['a']]);
    const later = [group.submit(stage('b')), group.submit(stage('c'))];
    await turn();
    const last = group.submit(stage('d'));
    await turn();
    expect(batches).toEqual([['a']]);
    pending[0]!.commit();
    await turn();
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
    expect(group.counts).toEqual({ batches: 2, members: 4 });
    pending[0]!.flush();
    expect(await first).toBe('a');
    pending[1]!.commit();
    pending[1]!.flush();
    expect(await Promise.all([...later, last])).toEqual(['b', 'c', 'd']);
  });

  test('members are answered only once their transaction is durable, not when it is committed', async () => {
    const { runner, pending, stage } = manualRunner();
    const group = new GroupCommit(runner);
    let answered = false;
    const write = group.submit(stage('a')).then(() => (answered = true));
    await turn();
    pending[0]!.commit();
    await turn();
    expect(answered).toBe(false);
    pending[0]!.flush();
    await write;
    expect(answered).toBe(true);
  });

  test('a member that throws fails alone; the others of its batch are answered', async () => {
    const { runner, pending, stage } = manualRunner();
    const group = new GroupCommit(runner);
    const good = group.submit(stage('good'));
    const bad = group
      .submit(() => {
        throw new Error('boom');
      })
      .then(
        () => 'answered',
        (error: unknown) => String(error),
      );
    await turn();
    pending[0]!.commit();
    pending[0]!.flush();
    expect(await good).toBe('good');
    expect(await bad).toBe('Error: boom');
  });

  test('a failed commit fails every member of its batch, and the next batch still runs', async () => {
    const { runner, batches, pending, stage } = manualRunner();
    const group = new GroupCommit(runner);
    const failing = Promise.allSettled([group.submit(stage('a')), group.submit(stage('b'))]);
    await turn();
    const next = group.submit(stage('c'));
    pending[0]!.fail(new Error('disk full'));
    const outcomes = await failing;
    expect(outcomes.map((outcome) => (outcome.status === 'rejected' ? String(outcome.reason) : outcome.status))).toEqual(['Error: disk full', 'Error: disk full']);
    await turn();
    expect(batches).toEqual([['a', 'b'], ['c']]);
    pending[1]!.commit();
    pending[1]!.flush();
    expect(await next).toBe('c');
  });

  test(`a batch stages at most ${GROUP_COMMIT_MEMBERS_MAX} members; the rest go in the next`, async () => {
    const { runner, batches, pending, stage } = manualRunner();
    const group = new GroupCommit(runner);
    const writes = Array.from({ length: GROUP_COMMIT_MEMBERS_MAX + 3 }, (_, index) => group.submit(stage(`k${index}`)));
    await turn();
    expect(batches.map((batch) => batch.length)).toEqual([GROUP_COMMIT_MEMBERS_MAX]);
    pending[0]!.commit();
    await turn();
    expect(batches.map((batch) => batch.length)).toEqual([GROUP_COMMIT_MEMBERS_MAX, 3]);
    for (const settle of pending) {
      settle.commit();
      settle.flush();
    }
    expect((await Promise.all(writes)).length).toBe(GROUP_COMMIT_MEMBERS_MAX + 3);
  });

  test('drained waits for what is in flight and staged', async () => {
    const { runner, pending, stage } = manualRunner();
    const group = new GroupCommit(runner);
    await group.drained();
    void group.submit(stage('a'));
    await turn();
    void group.submit(stage('b'));
    let drained = false;
    const waiting = group.drained().then(() => (drained = true));
    pending[0]!.commit();
    await turn();
    expect(drained).toBe(false);
    pending[1]!.commit();
    await waiting;
    expect(drained).toBe(true);
  });
});
