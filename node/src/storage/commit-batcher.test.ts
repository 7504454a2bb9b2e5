import { expect, test } from 'bun:test';
import { COMMIT_GROUP_MIN } from '../limits';
import { CommitBatcher } from './commit-batcher';

const WAIT_MS = 5;
const turnEnd = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Values 'v0', 'v1', ... as many as asked, from `first`. */
const values = (count: number, first = 0) => Array.from({ length: count }, (_, index) => `v${first + index}`);

interface Commit {
  readonly thread: 'this' | 'writer';
  readonly bodies: unknown[];
}

/** A batcher over recorded transactions: each commit's thread and its bodies' results, in order. */
function recorded(failWith: () => Error | undefined = () => undefined) {
  const commits: Commit[] = [];
  const run = (thread: Commit['thread'], body: () => void) => {
    commits.push({ thread, bodies: [] });
    const failure = failWith();
    if (failure !== undefined) throw failure;
    body();
  };
  const batcher = new CommitBatcher(
    (body) => run('this', body),
    async (body) => {
      await Promise.resolve();
      run('writer', body);
    },
    WAIT_MS,
  );
  const submit = (value: string) =>
    batcher.submit(() => {
      commits.at(-1)!.bodies.push(value);
      return value;
    });
  return { batcher, commits, submit };
}

test('a write after a quiet spell commits at the end of its turn, on the writer thread', async () => {
  const { commits, submit } = recorded();
  const written = submit('a');
  await turnEnd();
  expect(await written).toBe('a');
  expect(commits).toEqual([{ thread: 'writer', bodies: ['a'] }]);
});

test('fewer than COMMIT_GROUP_MIN writes in a turn share a commit on the writer thread, each answered with its own result', async () => {
  const { batcher, commits, submit } = recorded();
  const written = values(COMMIT_GROUP_MIN - 1).map(submit);
  expect(batcher.queued).toBe(COMMIT_GROUP_MIN - 1);
  expect(await Promise.all(written)).toEqual(values(COMMIT_GROUP_MIN - 1));
  expect(commits).toEqual([{ thread: 'writer', bodies: values(COMMIT_GROUP_MIN - 1) }]);
  expect(batcher.commits).toBe(1);
});

test('COMMIT_GROUP_MIN writes in a turn commit together on this thread, and the next commit waits until as many are queued', async () => {
  const n = COMMIT_GROUP_MIN + 1;
  const { commits, submit } = recorded();
  await Promise.all(values(n).map(submit));
  expect(commits).toEqual([{ thread: 'this', bodies: values(n) }]);
  const first = submit('w0');
  await turnEnd();
  expect(commits.length).toBe(1);
  const rest = values(n, 1).map((value) => submit(`w${value.slice(1)}`));
  await Promise.all([first, ...rest]);
  // The last one joined the turn in which the target was reached, so it shares that commit too.
  expect(commits.at(-1)).toEqual({ thread: 'this', bodies: Array.from({ length: n + 1 }, (_, index) => `w${index}`) });
});

test('fewer writes than the last group are committed once the oldest has waited the maximum, and the next write goes to the writer thread again', async () => {
  const { commits, submit } = recorded();
  await Promise.all(values(COMMIT_GROUP_MIN).map(submit));
  const late = submit('late');
  await sleep(WAIT_MS * 6);
  expect(await late).toBe('late');
  expect(commits.at(-1)).toEqual({ thread: 'this', bodies: ['late'] });
  await submit('next');
  expect(commits.at(-1)).toEqual({ thread: 'writer', bodies: ['next'] });
});

test('a commit that fails fails every write in it, on either thread, and the next commit starts afresh', async () => {
  let failing = true;
  const { commits, submit } = recorded(() => (failing ? new Error('disk full') : undefined));
  const failed = (count: number) => Promise.all(values(count).map((value) => submit(value).catch((error: unknown) => String(error))));
  expect(await failed(2)).toEqual(['Error: disk full', 'Error: disk full']);
  expect(await failed(COMMIT_GROUP_MIN)).toEqual(values(COMMIT_GROUP_MIN).map(() => 'Error: disk full'));
  expect(commits.map((commit) => commit.thread)).toEqual(['writer', 'this']);
  failing = false;
  expect(await Promise.all(['c', 'd'].map(submit))).toEqual(['c', 'd']);
  expect(commits.at(-1)!.bodies).toEqual(['c', 'd']);
});

test('a body that throws aborts its whole batch: every write in it fails with that error', async () => {
  for (const count of [2, COMMIT_GROUP_MIN]) {
    const { batcher } = recorded();
    const good = values(count - 1).map((value) => batcher.submit(() => value).catch((error: unknown) => String(error)));
    const bad = batcher
      .submit(() => {
        throw new Error('refused');
      })
      .catch((error: unknown) => String(error));
    const outcomes: string[] = await Promise.all([...good, bad]);
    expect(outcomes).toEqual(Array.from({ length: count }, () => 'Error: refused'));
  }
});

test('commitNow commits what is queued at once on this thread, and nothing when the queue is empty', async () => {
  const { batcher, commits, submit } = recorded();
  await Promise.all(values(COMMIT_GROUP_MIN).map(submit));
  const waiting = submit('d');
  batcher.commitNow();
  expect(commits.at(-1)).toEqual({ thread: 'this', bodies: ['d'] });
  expect(await waiting).toBe('d');
  batcher.commitNow();
  expect(batcher.commits).toBe(2);
});
