// Browser-side attacks need a browser to send our node a request it did not mean to:
//
// - DNS rebinding: a page on attacker.example re-points that name at the node's address, and its own
//   scripts then read the node as same-origin. The request still says `Host: attacker.example`, so a
//   node that answers only to its own names and to IP literals defeats it (a page whose origin is an IP
//   literal cannot be rebound: the browser treats it as that address's own origin).
// - Cross-site writes: any page can send a "simple" POST or a DELETE via fetch to a node it can reach;
//   the browser attaches `Origin`. A state-changing request whose Origin is not the node itself, a
//   cluster member, or a host allowed by --allowed-hosts is refused. Clients that are not browsers send
//   no Origin and are not affected.

import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

export interface HostPolicyOptions {
  /** Where the HTTP API listens and what it advertises. */
  readonly names: readonly string[];
  /** --allowed-hosts: further names of this node (a proxy's, a DNS alias), also trusted as origins. */
  readonly allowedHosts: readonly string[];
  /** host:port of every member's HTTP API, now (the dashboard reads and writes across nodes). */
  readonly memberAddresses: () => readonly string[];
}

/** The host part of a `Host` header or URL authority: lowercase, brackets and port removed. */
export function hostnameOf(authority: string): string {
  const text = authority.trim().toLowerCase();
  if (text.startsWith('[')) return text.slice(1, text.indexOf(']') >>> 0);
  const colon = text.lastIndexOf(':');
  return colon < 0 || text.indexOf(':') !== colon ? text : text.slice(0, colon);
}

function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost');
}

function addressOf(hostPort: string): string {
  return hostPort.trim().toLowerCase();
}

export class HostPolicy {
  readonly #names: ReadonlySet<string>;
  readonly #allowedHosts: ReadonlySet<string>;
  readonly #memberAddresses: () => readonly string[];
  /**
   * The Host header last found allowed. Every request asks, nearly always with the same header, and the
   * answer depends on nothing else that changes (names are fixed at start): asked again, it is one
   * comparison instead of lowercasing, splitting and matching an IP literal per request.
   */
  #lastAllowedHost: string | undefined;

  constructor(options: HostPolicyOptions) {
    const interfaceAddresses = Object.values(networkInterfaces()).flatMap((entries) => (entries ?? []).map((entry) => entry.address));
    this.#allowedHosts = new Set(options.allowedHosts.map((name) => hostnameOf(name)));
    this.#names = new Set([...options.names, ...options.allowedHosts, hostname(), ...interfaceAddresses].map((name) => hostnameOf(name)).filter((name) => name.length > 0));
    this.#memberAddresses = options.memberAddresses;
  }

  /** Whether a request with this Host header is addressed to this node (absent: not a browser). */
  hostAllowed(host: string | null): boolean {
    if (host === null || host === this.#lastAllowedHost) return true;
    const name = hostnameOf(host);
    const allowed = isIP(name) !== 0 || isLoopbackName(name) || this.#names.has(name);
    if (allowed) this.#lastAllowedHost = host;
    return allowed;
  }

  /**
   * Whether a state-changing request from a page of this Origin may proceed: the node's own origin
   * (same-origin, as the Host says), a member's, or an allowed name's. No Origin: not a browser page.
   */
  originAllowed(origin: string | null, host: string | null): boolean {
    if (origin === null) return true;
    let authority: string;
    try {
      authority = new URL(origin).host.toLowerCase();
    } catch {
      return false; // "null" (sandboxed frames, file:) and anything malformed
    }
    if (host !== null && authority === addressOf(host)) return true;
    if (this.#memberAddresses().some((address) => addressOf(address) === authority)) return true;
    return this.#allowedHosts.has(hostnameOf(authority));
  }
}
