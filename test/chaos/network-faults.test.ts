// The fault primitives on a bare test network (no cluster): a one-way cut stops one direction only, a
// cut both ways stops both, undoAll() restores both and leaves no rule behind, loss rules spare the
// given address, netem is either there or reported as unsupported, and a CPU load stops when told.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { NAMESPACES_AVAILABLE } from '../support/cluster';
import { TestNetwork, type TestHost } from '../support/test-network';
import { CpuLoad } from './cpu-load';
import { FaultUnsupported, NetworkFaults } from './network-faults';

const PORT = 9911;
const CONNECT_TIMEOUT_MS = 1500;
const SERVER_LIFETIME_MS = 60_000;
const IPTABLES_AVAILABLE = spawnSync('iptables', ['--version']).status === 0;
// .ci/run installs iptables: in the boxed `npm test` run its absence is a failure, not a skip.
if (!IPTABLES_AVAILABLE && process.env.SWARMKV_TEST_BOXED === '1') throw new Error('the network-fault suite needs iptables (apt-get install iptables)');

/** A TCP server on the host that answers "hi" and exits by itself after SERVER_LIFETIME_MS. */
function serve(host: TestHost): ChildProcess {
  const source = `require('net').createServer((s) => s.end('hi')).listen(${PORT}, '${host.address}'); setTimeout(() => process.exit(0), ${SERVER_LIFETIME_MS});`;
  return spawn('ip', ['netns', 'exec', host.namespace, 'node', '-e', source], { stdio: 'ignore' });
}

/** Whether `from` can open a connection to `to` and read its answer within CONNECT_TIMEOUT_MS. */
function reaches(from: TestHost, to: TestHost): boolean {
  const source = `const s = require('net').connect(${PORT}, '${to.address}'); s.on('data', () => process.exit(0)); s.on('error', () => process.exit(1)); setTimeout(() => process.exit(1), ${CONNECT_TIMEOUT_MS});`;
  return spawnSync('ip', ['netns', 'exec', from.namespace, 'node', '-e', source]).status === 0;
}

/** Whether a UDP datagram from `from` reaches `to` (a receiver waits CONNECT_TIMEOUT_MS for it). */
async function datagramArrives(from: TestHost, to: TestHost): Promise<boolean> {
  const receiver = `const s = require('dgram').createSocket('udp4'); s.on('message', () => process.exit(0)); s.bind(${PORT + 1}, '${to.address}'); setTimeout(() => process.exit(1), ${CONNECT_TIMEOUT_MS});`;
  const child = spawn('ip', ['netns', 'exec', to.namespace, 'node', '-e', receiver], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await Bun.sleep(300);
  const sender = `const s = require('dgram').createSocket('udp4'); let n = 0; const t = setInterval(() => { s.send('x', ${PORT + 1}, '${to.address}'); if (++n === 5) { clearInterval(t); s.close(); } }, 100);`;
  spawnSync('ip', ['netns', 'exec', from.namespace, 'node', '-e', sender]);
  return (await exited) === 0;
}

describe.skipIf(!NAMESPACES_AVAILABLE || !IPTABLES_AVAILABLE)('network faults inside the hosts’ namespaces', () => {
  let network: TestNetwork;
  let a: TestHost;
  let b: TestHost;
  const servers: ChildProcess[] = [];
  const faults = new NetworkFaults();

  beforeAll(async () => {
    network = TestNetwork.create(2);
    [a, b] = network.hosts as [TestHost, TestHost];
    servers.push(serve(a), serve(b));
    await Bun.sleep(500);
  });
  afterAll(() => {
    faults.undoAll();
    for (const server of servers) server.kill('SIGKILL');
    network.destroy();
  });

  test('a one-way cut stops one direction only; both ways stops both; undoAll restores and leaves no rule', async () => {
    expect([reaches(a, b), reaches(b, a)]).toEqual([true, true]);
    faults.cutOneWay(a, b);
    expect(NetworkFaults.show(a)).toContain(`-A OUTPUT -d ${b.address}/32 -j DROP`);
    expect(NetworkFaults.show(b)).not.toContain('DROP');
    // Datagrams (hyperswarm's transport is UDP) still flow from b to a; TCP fails both ways, since
    // a's SYN-ACK to b is dropped too.
    expect([await datagramArrives(a, b), await datagramArrives(b, a)]).toEqual([false, true]);
    expect([reaches(a, b), reaches(b, a)]).toEqual([false, false]);
    faults.undoAll();
    expect([reaches(a, b), reaches(b, a)]).toEqual([true, true]);
    faults.cutBothWays(a, b);
    expect([reaches(a, b), reaches(b, a)]).toEqual([false, false]);
    faults.undoAll();
    expect([reaches(a, b), reaches(b, a)]).toEqual([true, true]);
    expect(NetworkFaults.show(a)).not.toContain('DROP');
    expect(faults.activeRules).toBe(0);
  }, 30_000);

  test('loss rules drop at random on INPUT and OUTPUT and spare the client address; netem delay works or says why not', () => {
    faults.loss(a, 20, [network.clientAddress]);
    const rules = NetworkFaults.show(a);
    expect(rules).toContain('-m statistic --mode random --probability 0.2');
    expect(rules).toContain(`-A OUTPUT -d ${network.clientAddress}/32 -j ACCEPT`);
    faults.undoAll();
    expect(NetworkFaults.show(a)).not.toContain('statistic');
    const support = faults.probe(a);
    if (support.netem) {
      faults.delay(a, 50);
      expect(NetworkFaults.show(a)).toContain('netem');
      faults.undoAll();
    } else {
      expect(() => faults.delay(a, 50)).toThrow(FaultUnsupported);
      console.log(`[chaos-faults] netem unsupported here: ${support.notes.join('; ')}`);
    }
    expect(NetworkFaults.show(a)).not.toContain('netem');
  });

  test('a CPU load runs until stopped, and stops', async () => {
    const load = CpuLoad.start(20_000, 1);
    await Bun.sleep(300);
    expect(load.running).toBe(true);
    load.stop();
    await Bun.sleep(300);
    expect(load.running).toBe(false);
  });
});
