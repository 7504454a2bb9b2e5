import { expect, test } from 'bun:test';
import { CommitBatcher } from './commit-batcher';

const WAIT_MS = 5;
const turnEnd = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A batcher over a recorded transaction: each commit's bodies' results, in order. */
function recorded(failWith?: () => Error) {
  const commits: unknown[][] = [];
  const batcher = new CommitBatcher((run) => {
    const before = commits.length;
    commits.push([]);
    const failure = failWith?.();
    if (failure !== undefined) throw failure;
    run();
    expect(commits.length).toBe(before + 1);
  }, WAIT_MS);
  const submit = (value: string) =>
    batcher.submit(() => {
      commits[commits.length - 1]!.push(value);
      return value;
    });
  return { batcher, commits, submit };
}

test('a write after a quiet spell commits at the end of its turn, without waiting for company', async () => {
  const { commits, submit } = recorded();
  const written = submit('a');
  await turnEnd();
  expect(commits).toEqual([['a']]);
  expect(await written).toBe('a');
});

test('the writes of one turn share a commit, each answered with its own result', async () => {
  const { batcher, commits, submit } = recorded();
  const written = ['a', 'b', 'c'].map(submit);
  expect(batcher.queued).toBe(3);
  expect(await Promise.all(written)).toEqual(['a', 'b', 'c']);
  expect(commits).toEqual([['a', 'b', 'c']]);
  expect(batcher.commits).toBe(1);
});

test('after a commit of n writes the next waits until n are queued, then commits at the end of that turn', async () => {
  const { commits, submit } = recorded();
  await Promise.all(['a', 'b', 'c'].map(submit));
  const first = submit('d');
  await turnEnd();
  expect(commits).toEqual([['a', 'b', 'c']]);
  const rest = ['e', 'f', 'g'].map(submit);
  await Promise.all([first, ...rest]);
  // 'g' joined the turn in which the target was reached, so it shares that commit too.
  expect(commits).toEqual([
    ['a', 'b', 'c'],
    ['d', 'e', 'f', 'g'],
  ]);
});

test('fewer writes than the last commit held are committed once the oldest has waited the maximum', async () => {
  const { commits, submit } = recorded();
  await Promise.all(['a', 'b', 'c'].map(submit));
  const late = submit('d');
  await sleep(WAIT_MS * 6);
  expect(commits).toEqual([['a', 'b', 'c'], ['d']]);
  expect(await late).toBe('d');
  // The lone commit lowered the target: the next write commits at the end of its turn again.
  submit('e');
  await turnEnd();
  expect(commits.at(-1)).toEqual(['e']);
});

test('a commit that fails fails every write in it, and the next commit starts afresh', async () => {
  let failing = true;
  const { commits, submit } = recorded(() => (failing ? new Error('disk full') : undefined) as Error);
  const outcomes = await Promise.all(['a', 'b'].map((value) => submit(value).catch((error: unknown) => String(error))));
  expect(outcomes).toEqual(['Error: disk full', 'Error: disk full']);
  failing = false;
  expect(await Promise.all(['c', 'd'].map(submit))).toEqual(['c', 'd']);
  expect(commits.at(-1)).toEqual(['c', 'd']);
});

test('a body that throws aborts its whole batch: every write in it fails with that error', async () => {
  const { batcher } = recorded();
  const good = batcher.submit(() => 'kept?');
  const bad = batcher.submit(() => {
    throw new Error('refused');
  });
  expect(await good.catch((error: unknown) => String(error))).toBe('Error: refused');
  expect(await bad.catch((error: unknown) => String(error))).toBe('Error: refused');
});

test('commitNow commits what is queued at once, and nothing when the queue is empty', async () => {
  const { batcher, commits, submit } = recorded();
  await Promise.all(['a', 'b', 'c'].map(submit));
  const waiting = submit('d');
  batcher.commitNow();
  expect(commits.at(-1)).toEqual(['d']);
  expect(await waiting).toBe('d');
  batcher.commitNow();
  expect(batcher.commits).toBe(2);
});
