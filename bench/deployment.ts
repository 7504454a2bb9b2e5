// A deployment is the processes behind a system: one server, or a cluster's nodes. The benchmark loads
// its URLs, accounts the CPU of its pids, and stops it at the end of the run.

import type { ServerProcess } from './server-process';

export interface Deployment {
  /** How progress lines and errors name it. */
  readonly label: string;
  /** Where it serves HTTP; the load is spread evenly over all of them. */
  readonly urls: readonly string[];
  readonly pids: readonly number[];
  /** The tail of every process's stderr, for error messages. */
  stderr(): string;
  /** Idempotent; resolves once every process is gone. */
  stop(): Promise<void>;
}

export function singleProcessDeployment(label: string, server: ServerProcess): Deployment {
  return {
    label,
    urls: [server.url],
    pids: server.pid === undefined ? [] : [server.pid],
    stderr: () => server.stderr(),
    stop: () => server.stop(),
  };
}
