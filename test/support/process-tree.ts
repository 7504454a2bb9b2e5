// Finding a process among another's children, by what its command line says: `swarmkv up` does not
// report its nodes' pids, but each node's argv names its port.
import { readdirSync, readFileSync } from 'node:fs';

/** The pid of up's child that serves HTTP on `port`: its command line names the port. */
export function childPidServing(parentPid: number, port: number): number {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (parent === parentPid && command.includes('--port') && command[command.indexOf('--port') + 1] === String(port)) return Number(entry);
    } catch {
      // A process that exited while we looked.
    }
  }
  throw new Error(`no child of ${parentPid} serves port ${port}`);
}
