// The scheduling policy on a real process: a child `sleep`, set by the real `chrt`, read back from
// /proc. (test/environment.test.ts checks the same on a running node's every thread.)

import { afterEach, describe, expect, test } from 'bun:test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { applySchedulingPolicy } from './main-scheduling';
import { RecordingLogger } from './replication/recording-logger.test-harness';

const SCHED_NORMAL = 0;
const SCHED_BATCH = 3;
const chrtInstalled = process.platform === 'linux' && spawnSync('chrt', ['--version']).error === undefined;

/** The kernel's policy number for `pid`'s main thread. */
function policyOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/sched`, 'utf8').split('\n').find((text) => text.startsWith('policy'));
  return Number(line?.split(':')[1]);
}

let children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children = [];
});

function sleeper(): number {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  children.push(child);
  return child.pid!;
}

describe.if(chrtInstalled)('applySchedulingPolicy', () => {
  test('batch puts the process under SCHED_BATCH and logs how many threads it set', async () => {
    const pid = sleeper();
    expect(policyOf(pid)).toBe(SCHED_NORMAL);
    const logger = new RecordingLogger();
    const outcome = await applySchedulingPolicy('batch', logger, pid);
    expect(outcome).toEqual({ policy: 'batch', threads: 1 });
    expect(policyOf(pid)).toBe(SCHED_BATCH);
    expect(logger.events('node.scheduling')).toEqual([{ policy: 'batch', threads: 1 }]);
  });

  test('normal sets nothing', async () => {
    const pid = sleeper();
    const logger = new RecordingLogger();
    expect(await applySchedulingPolicy('normal', logger, pid)).toEqual({ policy: 'normal', threads: undefined });
    expect(policyOf(pid)).toBe(SCHED_NORMAL);
    expect(logger.events('node.scheduling')).toEqual([{ policy: 'normal', threads: null }]);
  });

  test('without chrt the node is told why, at warn, and nothing changes', async () => {
    const pid = sleeper();
    const logger = new RecordingLogger();
    const outcome = await applySchedulingPolicy('batch', logger, pid, '/nonexistent/chrt');
    expect(outcome.threads).toBeUndefined();
    expect(outcome.error).toBe('/nonexistent/chrt not found (util-linux); running under the default policy');
    expect(policyOf(pid)).toBe(SCHED_NORMAL);
    expect(logger.events('node.scheduling_failed')).toEqual([{ policy: 'batch', error: outcome.error }]);
    expect(logger.events('node.scheduling')).toEqual([]);
  });

  test('a chrt that fails (no such process) is reported with its own words, and never throws', async () => {
    const gone = spawnSync('true').pid;
    const logger = new RecordingLogger();
    const outcome = await applySchedulingPolicy('batch', logger, gone);
    expect(outcome.threads).toBeUndefined();
    expect(outcome.error).toStartWith('chrt failed: ');
    expect(logger.events('node.scheduling_failed')).toHaveLength(1);
  });
});
