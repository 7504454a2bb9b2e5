// A node whose disk is slow is slow, not dead. n2 of a real 4-node cluster (N = 3) runs under strace,
// which delays every fsync and fdatasync it makes by 250 ms, longer than the `local` profile's probe
// timeout (175 ms); then n4 is killed, and quorum writes go through n1, n2 and n3. Keys whose home
// replicas include n2 and n4 need n2's acknowledgement, so the cluster is only as available as the
// failure detector's view of n2. The bars: n2 is never held suspect, and no write is refused.
//
// This is what a commit on the event loop's thread breaks (bench/RESULTS.md, sync-commit: the batcher
// had n2 suspected 36 times in ~20 s and 45 of ~900 such writes refused): durable commits must wait off
// the thread that answers the failure detector.

import { describe, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { NAMESPACES_AVAILABLE, useCluster, type ClusterNode } from './support/cluster';
import { converge, CONVERGE_MS_MAX } from './support/cluster-scenarios';
import { WriteLoad } from './support/write-load';

const TAG = 'slow-disk';
/** Each fsync of n2 waits this long: above the `local` profile's 175 ms probe timeout. */
const FSYNC_DELAY_US = 250_000;
const CLIENTS = 24;
const KEYS = 500;
const WRITES_MS = 12_000;
const DETECTION_MS_MAX = 15_000;
const SCENARIO_MS = 120_000;
const STRACE_AVAILABLE = spawnSync('strace', ['-V']).status === 0;
// As for namespaces (support/cluster.ts): in the boxed `npm test`, a missing strace fails the run
// instead of skipping this suite quietly (.ci/run installs it).
if (!STRACE_AVAILABLE && process.env.SWARMKV_TEST_BOXED === '1') throw new Error('test/slow-disk.test.ts needs strace, and this boxed run has none');

// setpriv: the node (strace's child) is killed when strace dies, as the harness's SIGKILL reaches strace only.
const SLOW_DISK = ['strace', '-f', '--seccomp-bpf', '-qq', '-o', '/dev/null', '-e', 'trace=fdatasync,fsync', '-e', `inject=fdatasync,fsync:delay_enter=${FSYNC_DELAY_US}`, 'setpriv', '--pdeathsig', 'KILL'];

describe.skipIf(!NAMESPACES_AVAILABLE || !STRACE_AVAILABLE)('a node with a slow disk (250 ms per fsync) in a degraded cluster', () => {
  const cluster = useCluster({ nodes: 4, replicas: 3, profile: 'local', wrapperByName: { n2: SLOW_DISK } });

  test('the cluster converges', async () => {
    await converge(cluster(), TAG);
  }, CONVERGE_MS_MAX + 30_000);

  test('with n4 killed, n2 is never held suspect and every quorum write through n1, n2 and n3 is acknowledged', async () => {
    const c = cluster();
    const [n1, n2, n3, n4] = c.nodes as [ClusterNode, ClusterNode, ClusterNode, ClusterNode];
    await c.kill9(n4);
    await c.waitFor(async () => (await c.members(n1)).find((member) => member.nodeId === n4.nodeId)?.state === 'dead', DETECTION_MS_MAX, `n1 lists ${n4.name} dead`);
    const suspicionsOfN2 = () => [n1, n3].flatMap((node) => node.process.events.filter((event) => event.event === 'membership.member_changed' && event.member === n2.nodeId && event.state !== 'alive'));
    const before = suspicionsOfN2().length;

    const load = new WriteLoad(c, [n1, n2, n3], { tag: TAG, clients: CLIENTS, keys: KEYS });
    await Bun.sleep(WRITES_MS);
    const report = await load.stop();
    const acknowledged = report.acknowledgedAtMs.length;
    const refused = report.refused.map(({ why }) => why);
    const suspicions = suspicionsOfN2().slice(before);
    console.log(`[${TAG}] ${acknowledged} quorum writes acknowledged in ${WRITES_MS} ms with n4 dead and n2's fsyncs at ${FSYNC_DELAY_US / 1000} ms; refused ${refused.length}; n2 held suspect ${suspicions.length} times`);
    expect(suspicions).toEqual([]);
    expect(refused.slice(0, 10)).toEqual([]);
    expect(acknowledged).toBeGreaterThan(0);
  }, SCENARIO_MS);
});
