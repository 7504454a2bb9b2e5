// UDP datagrams received in this network namespace so far (/proc/net/snmp, Udp InDatagrams). The
// benchmark runs in a namespace of its own, so the difference over a run is the peer traffic of the
// systems in it: swarmkv's nodes talk over UDX (UDP); etcd and Redis speak TCP. Per request, it shows
// how a cluster's links batch their frames (bench/RESULTS.md, "The GET CPU goal's floor": ~1 datagram
// per quorum GET when they batch, ~4 per exchange when a link falls into lockstep).

import { readFileSync } from 'node:fs';

/** The counter, or undefined where /proc/net/snmp cannot be read (not Linux). */
export function udpDatagramsReceived(): number | undefined {
  let snmp: string;
  try {
    snmp = readFileSync('/proc/net/snmp', 'utf8');
  } catch {
    return undefined;
  }
  // Two lines per protocol: the field names, then the values.
  const [names, values] = snmp.split('\n').filter((line) => line.startsWith('Udp:')).map((line) => line.trim().split(/\s+/));
  const index = names?.indexOf('InDatagrams') ?? -1;
  const value = index < 0 ? Number.NaN : Number(values?.[index]);
  return Number.isFinite(value) ? value : undefined;
}
