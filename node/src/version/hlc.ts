// Hybrid logical clock, after Kulkarni et al., "Logical Physical Clocks and Consistent Snapshots in
// Globally Distributed Databases" (2014). Timestamps stay close to wall time yet never go backwards and
// always exceed every timestamp this node has seen, so a node whose clock lags still orders its writes
// after what it has read. Deviation from the paper: when the 16-bit logical counter would overflow we
// advance the logical wall time by 1 ms instead of blocking, which keeps monotonicity.

import type { Clock } from '../clock';
import { HLC_FORWARD_DRIFT_MS_MAX, HLC_LOGICAL_MAX } from '../limits';
import { SwarmError } from '../errors';
import { formatVersion, parseVersion, type Version } from './version';

export class HybridLogicalClock {
  readonly nodeId: string;
  readonly #clock: Clock;
  readonly #forwardDriftMsMax: number;
  #wallMs = 0;
  #logical = 0;

  /**
   * `forwardDriftMsMax`: how far ahead of our wall clock a remote timestamp may be and still be adopted.
   * A node with the clock-offset bound on passes the bound: a peer further ahead than that is a clock
   * the cluster refuses to version writes with, and must not drag ours forward either.
   */
  constructor(nodeId: string, clock: Clock, forwardDriftMsMax = HLC_FORWARD_DRIFT_MS_MAX) {
    this.nodeId = nodeId;
    this.#clock = clock;
    this.#forwardDriftMsMax = forwardDriftMsMax;
  }

  /** A new timestamp for a local event (a write this node coordinates), greater than any seen so far. */
  now(): Version {
    const physicalMs = this.#clock.nowMs();
    if (physicalMs > this.#wallMs) {
      this.#wallMs = physicalMs;
      this.#logical = 0;
    } else {
      this.#tick();
    }
    return { wallMs: this.#wallMs, logical: this.#logical, nodeId: this.nodeId };
  }

  /** Encoded form of `now()`. */
  nowVersion(): string {
    return formatVersion(this.now());
  }

  /**
   * Folds in a version this node already trusts (one in its own store) so later local timestamps
   * exceed it. This is what keeps a key's versions increasing even if the wall clock stepped back.
   */
  observe(version: Version): void {
    if (version.wallMs > this.#wallMs || (version.wallMs === this.#wallMs && version.logical > this.#logical)) {
      this.#wallMs = version.wallMs;
      this.#logical = version.logical;
    }
  }

  /**
   * Folds in an encoded timestamp received from outside (a peer message, an If-Match header). One
   * implausibly far ahead of our wall clock is refused: a peer with a wild clock must not drag every
   * version in the cluster into the future.
   */
  receive(encoded: string): Version {
    const remote = parseVersion(encoded);
    if (!remote) throw new SwarmError('invalid_body', `malformed version: ${JSON.stringify(encoded).slice(0, 80)}`);
    const aheadMs = remote.wallMs - this.#clock.nowMs();
    if (aheadMs > this.#forwardDriftMsMax) {
      throw new SwarmError(
        'invalid_body',
        `version ${encoded} is ${aheadMs} ms ahead of this node's clock (max ${this.#forwardDriftMsMax} ms)`,
      );
    }
    this.observe(remote);
    return remote;
  }

  #tick(): void {
    if (this.#logical < HLC_LOGICAL_MAX) {
      this.#logical += 1;
    } else {
      this.#wallMs += 1;
      this.#logical = 0;
    }
  }
}
