// Where the machine's CPU went during one run, from Linux's /proc: the server under test, wrk (a child
// of this process, so its time lands in our children's counters once it has exited and been reaped),
// and everything else. On a shared 2-core machine "everything else" is what invalidates a run, so it is
// measured rather than guessed; and a server below one core while its throughput drops is waiting
// (on fsync, say), not computing.

import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in ticks of 1/100 s on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

export interface CpuSnapshot {
  readonly atMs: number;
  /** user + nice + system over all CPUs. */
  readonly machineTicks: number;
  /** irq + softirq over all CPUs: on loopback, largely the TCP traffic between wrk and the server. */
  readonly interruptTicks: number;
  /** Time the hypervisor gave this VM's CPUs to someone else. */
  readonly stealTicks: number;
  readonly serverTicks: number;
  readonly selfTicks: number;
  /** CPU of this process's exited and reaped children: wrk. */
  readonly childrenTicks: number;
}

/** Average cores busy over a run, by whom. */
export interface CpuUsage {
  readonly serverCores: number;
  readonly loadGeneratorCores: number;
  readonly interruptCores: number;
  /** CPU the hypervisor took away (a noisy neighbour on the host). */
  readonly stealCores: number;
  /** Processes other than the server, wrk and this benchmark: other work sharing the machine. */
  readonly otherCores: number;
}

/** Undefined where /proc is unavailable (not Linux): the benchmark then runs without CPU accounting. */
export function snapshotCpu(serverPid: number | undefined): CpuSnapshot | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
    const self = processTicks('self');
    return {
      atMs: performance.now(),
      machineTicks: user + nice + system,
      interruptTicks: irq + softirq,
      stealTicks: steal,
      serverTicks: serverPid === undefined ? 0 : processTicks(String(serverPid)).own,
      selfTicks: self.own,
      childrenTicks: self.children,
    };
  } catch {
    return undefined;
  }
}

export function cpuUsageBetween(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined): CpuUsage | undefined {
  if (before === undefined || after === undefined) return undefined;
  const seconds = (after.atMs - before.atMs) / 1000;
  const cores = (ticks: number) => Math.max(0, ticks) / TICKS_PER_SECOND / seconds;
  const server = after.serverTicks - before.serverTicks;
  const loadGenerator = after.childrenTicks - before.childrenTicks;
  const self = after.selfTicks - before.selfTicks;
  return {
    serverCores: round(cores(server)),
    loadGeneratorCores: round(cores(loadGenerator)),
    interruptCores: round(cores(after.interruptTicks - before.interruptTicks)),
    stealCores: round(cores(after.stealTicks - before.stealTicks)),
    otherCores: round(cores(after.machineTicks - before.machineTicks - server - loadGenerator - self)),
  };
}

/** utime + stime, and cutime + cstime, from /proc/<pid>/stat (fields 14-17, counted after the `(comm)`). */
function processTicks(pid: string): { own: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return { own: fields[11]! + fields[12]!, children: fields[13]! + fields[14]! };
}

const round = (value: number) => Math.round(value * 100) / 100;
