// Where the machine's CPU went during one run, from Linux's /proc: the server(s) under test, wrk (a
// child of this process, so its time lands in our children's counters once it has exited and been
// reaped), the benchmark's other servers idling meanwhile (a cluster gossips even when not loaded), and
// everything else. On a shared 2-core machine "everything else" is what invalidates a run, so it is
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
  /** The servers under test, summed (a cluster's nodes). */
  readonly serverTicks: number;
  /** The benchmark's other servers, not under test during this run. */
  readonly idleServerTicks: number;
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
  /** The benchmark's servers that were not under test. */
  readonly idleServerCores: number;
  /** Processes other than the benchmark's servers, wrk and this benchmark: other work sharing the machine. */
  readonly otherCores: number;
}

/** Undefined where /proc is unavailable (not Linux): the benchmark then runs without CPU accounting. */
export function snapshotCpu(serverPids: readonly number[], idleServerPids: readonly number[]): CpuSnapshot | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
    const self = processTicks('self');
    return {
      atMs: performance.now(),
      machineTicks: user + nice + system,
      interruptTicks: irq + softirq,
      stealTicks: steal,
      serverTicks: ownTicks(serverPids),
      idleServerTicks: ownTicks(idleServerPids),
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
  const idleServers = after.idleServerTicks - before.idleServerTicks;
  return {
    serverCores: round(cores(server)),
    loadGeneratorCores: round(cores(loadGenerator)),
    interruptCores: round(cores(after.interruptTicks - before.interruptTicks)),
    stealCores: round(cores(after.stealTicks - before.stealTicks)),
    idleServerCores: round(cores(idleServers)),
    otherCores: round(cores(after.machineTicks - before.machineTicks - server - idleServers - loadGenerator - self)),
  };
}

/** A process that has already exited counts as 0: its absence shows up elsewhere (a failed run). */
function ownTicks(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      ticks += processTicks(String(pid)).own;
    } catch {
      // gone
    }
  }
  return ticks;
}

/** utime + stime, and cutime + cstime, from /proc/<pid>/stat (fields 14-17, counted after the `(comm)`). */
function processTicks(pid: string): { own: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return { own: fields[11]! + fields[12]!, children: fields[13]! + fields[14]! };
}

const round = (value: number) => Math.round(value * 100) / 100;
