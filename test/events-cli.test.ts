// `swarmkv events` on a real 3-process cluster (each node in its own network namespace, support/
// cluster.ts): the members' recent events merged into one timeline, in the words of the pretty log;
// --json and --level; then --follow across a kill -9 and a restart: the dead member is noted once,
// its new life's events (listening first) follow when it is back, and Ctrl-C ends the follow with 0.

import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { NAMESPACES_AVAILABLE, useCluster, type ClusterNode } from './support/cluster';
import { converge, CONVERGE_MS_MAX, REJOIN_MS_MAX } from './support/cluster-scenarios';
import { runCli, runCliToExit, waitUntil } from './support/node-lifecycle';

setDefaultTimeout(30_000);
const TAG = 'events';
/** A followed event is printed within a poll (1 s) of being logged; the rest is a loaded machine's slack. */
const FOLLOWED_MS_MAX = 15_000;
/** Ctrl-C ends a follow at once: the process is gone well within this. */
const FOLLOW_STOP_MS_MAX = 3000;
/** A line of the pretty timeline: local time, the member's name, its sentence. */
const LINE = /^\d\d:\d\d:\d\d\.\d{3} (\S+) +(.+)$/;

describe.skipIf(!NAMESPACES_AVAILABLE)('swarmkv events across 3 processes', () => {
  const cluster = useCluster({ nodes: 3 });

  test('the latest events of every member, merged by time, in words; --json and --level', async () => {
    const c = cluster();
    await converge(c, TAG);
    const [n1] = c.nodes as [ClusterNode];
    const shown = await runCliToExit(['events', '--url', n1.url, '--limit', '200']);
    expect({ code: shown.code, stderr: shown.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = shown.stdout.trimEnd().split('\n');
    expect(lines.every((line) => LINE.test(line))).toBe(true);
    const names = new Set(lines.map((line) => LINE.exec(line)![1]));
    expect([...names].sort()).toEqual(c.nodes.map((node) => node.name).sort());
    for (const node of c.nodes) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\S+ ${node.name} +ring now spans 3 members \\(epoch \\d+, digest [0-9a-f]+\\)$`)));
    // Merged by time: the timestamps of the lines never go back (within one day, local time).
    const times = lines.map((line) => line.slice(0, 12));
    expect([...times].sort()).toEqual(times);

    const json = await runCliToExit(['events', '--url', n1.url, '--limit', '5', '--json']);
    const parsed = json.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(parsed).toHaveLength(5);
    for (const event of parsed) expect(event).toMatchObject({ node: expect.any(String), nodeId: expect.stringMatching(/^[0-9a-f]{16}$/), seq: expect.any(Number), event: expect.any(String), text: expect.any(String), tone: expect.stringMatching(/^(plain|good|doubt|bad)$/), fields: expect.any(Object) });

    const warnings = await runCliToExit(['events', '--url', n1.url, '--level', 'warn', '--limit', '1000']);
    expect(warnings.code).toBe(0);
    expect(warnings.stdout.trimEnd().split('\n').filter((line) => line !== '').every((line) => / (WARN|ERROR) /.test(line))).toBe(true);
    const bad = await runCliToExit(['events', '--url', n1.url, '--level', 'debug']);
    expect({ code: bad.code, stderr: bad.stderr }).toEqual({ code: 2, stderr: 'swarmkv: --level must be one of info, warn, error, got "debug"\n' });
  }, CONVERGE_MS_MAX + 30_000);

  test('--follow: a member killed is noted once; restarted, its new life follows, listening first; Ctrl-C exits 0', async () => {
    const c = cluster();
    const [n1, , victim] = c.nodes as [ClusterNode, ClusterNode, ClusterNode];
    const follow = runCli(['events', '--follow', '--url', n1.url, '--limit', '1']);
    try {
      await waitUntil('the first line of the follow', () => follow.stdout().includes('\n'), FOLLOWED_MS_MAX);
      const before = follow.stdout().length;
      await c.kill9(victim);
      await waitUntil(`a note that ${victim.name} does not answer`, () => follow.stderr().includes(`${victim.name} does not answer (`), FOLLOWED_MS_MAX);
      await waitUntil(`a live member telling ${victim.name} suspect`, () => follow.stdout().slice(before).includes(`${victim.name} is suspect`), FOLLOWED_MS_MAX);
      // The victim is dead by now: what it says from here on is its new life.
      const afterKill = follow.stdout().length;
      await c.restart(victim);
      const restartedLines = () => follow.stdout().slice(afterKill).split('\n').filter((line) => LINE.exec(line)?.[1] === victim.name);
      await waitUntil(`${victim.name}'s new life on the follow`, () => restartedLines().some((line) => / listening on http:\/\//.test(line)), REJOIN_MS_MAX);
      // Its new life is read from its start: the listening line comes before what it logged after it.
      expect(LINE.exec(restartedLines()[0]!)![2]).toStartWith('listening on http://');
      await waitUntil(`a note that ${victim.name} answers again`, () => follow.stderr().includes(`${victim.name} answers again`), FOLLOWED_MS_MAX);
      expect(follow.stderr().split(`${victim.name} does not answer`).length - 1).toBe(1);
    } finally {
      follow.child.kill('SIGINT');
    }
    const exitCode = await new Promise<number | null>((resolve) => follow.child.once('exit', (code) => resolve(code)));
    expect(exitCode).toBe(0);
  }, REJOIN_MS_MAX + 60_000);
});
