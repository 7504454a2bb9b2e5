// The machine a node runs on, as its defaults see it: its name, its addresses, and which hosts are
// loopback. Injected into configuration (config.ts) so tests can stand in for a container.

import { hostname, networkInterfaces } from 'node:os';

/** The wildcard bind address: not an address anyone can reach. */
export const ANY_ADDRESS = '0.0.0.0';

/** Loopback: reachable from this machine only, where today's open API stays safe enough. */
export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** What a node's defaults depend on of the machine it runs on; injected by tests. */
export interface HostMachine {
  readonly hostname: string;
  /** IPv4 addresses of the interfaces other than loopback, in the system's order. */
  readonly externalAddresses: readonly string[];
}

export function thisMachine(): HostMachine {
  const interfaces = Object.values(networkInterfaces()).flatMap((addresses) => addresses ?? []);
  return { hostname: hostname(), externalAddresses: interfaces.filter((entry) => entry.family === 'IPv4' && !entry.internal).map((entry) => entry.address) };
}

/**
 * The address others reach this machine at when it listens on all interfaces: its first IPv4 address
 * other than loopback (in a container, the container's own address on its network), or loopback when
 * it has none. With several networks the first may be the wrong one: then pass --advertise.
 */
export function reachableAddress(machine: HostMachine = thisMachine()): string {
  return machine.externalAddresses[0] ?? '127.0.0.1';
}

/** The bind address as others reach it: a wildcard is not an address; IPv6 goes in brackets. */
export function advertisedHostOf(httpHost: string): string {
  if (httpHost === '0.0.0.0' || httpHost === '::') return '127.0.0.1';
  return httpHost.includes(':') && !httpHost.startsWith('[') ? `[${httpHost}]` : httpHost;
}
