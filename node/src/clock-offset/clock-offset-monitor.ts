// How far this node's wall clock is from its peers', and whether it may version writes. A write's version
// starts with the coordinator's wall time and the newest version wins (last writer wins), so a node whose
// clock runs ahead mints versions that beat writes made after them elsewhere, and one that runs behind
// mints versions that lose to writes made before them: either way an acknowledged write can be lost
// (docs/design.md, "Not guaranteed"). CockroachDB's answer is a maximum clock offset that a node
// outside it must not serve with; ours: a node whose clock is off from most of its peers by more than
// --max-clock-offset-ms refuses to coordinate writes (503 unavailable, reason clock_offset) until it is
// back within it. Reads, replica writes and repairs carry versions minted elsewhere and go on.
//
// Each sample is one round trip to a peer (clock-offset-service.ts): the peer's clock when it answered,
// against the middle of the round trip here, is its offset, uncertain by half the round trip. A sample
// keeps counting after the peer becomes unreachable (a partition), corrected by how far this node's own
// wall clock has since jumped against its monotonic clock: a skew applied while cut off is still seen.
// Samples expire after CLOCK_SAMPLE_AGE_MS_MAX, beyond which clocks drift too far apart unmeasured.

import type { Clock, MonotonicClock } from '../clock';
import { SwarmError } from '../errors';
import { CLOCK_SAMPLE_AGE_MS_MAX, VERDICT_AGE_MS_MAX } from './clock-offset-limits';

interface Sample {
  /** How far the peer's clock was ahead of ours (negative: behind) when measured. */
  readonly offsetMs: number;
  /** Half the round trip: the true offset was within offsetMs ± this. */
  readonly uncertaintyMs: number;
  readonly atMonotonicMs: number;
  /** Our wall clock minus our monotonic clock when measured: a later difference is a jump of our wall clock. */
  readonly wallLeadMs: number;
}

/** A peer's clock as this node sees it now. */
export interface PeerOffset {
  readonly nodeId: string;
  /** How far the peer's clock is ahead of this node's (negative: behind), ms. */
  readonly offsetMs: number;
  readonly uncertaintyMs: number;
  /** Since the sample was taken, ms. */
  readonly ageMs: number;
}

export interface ClockVerdict {
  /** False while this node must not version writes. Always true with the guard off (maxOffsetMs 0). */
  readonly synchronized: boolean;
  /**
   * How far this node's clock is ahead of its cluster's (negative: behind): against the median of its own
   * clock and its peers' (so one peer far off does not move it); null before any peer was measured.
   */
  readonly offsetMs: number | null;
  readonly maxOffsetMs: number;
  /** Peers with a sample young enough to count, and how many of them are off by more than maxOffsetMs. */
  readonly peersMeasured: number;
  readonly peersBeyond: number;
}

export interface ClockOffsetMonitorOptions {
  readonly clock: Clock;
  readonly monotonic: MonotonicClock;
  /** 0 turns the guard off: offsets are still measured and shown. */
  readonly maxOffsetMs: number;
  /** Called when the verdict's `synchronized` changes. */
  readonly onChange?: (verdict: ClockVerdict) => void;
}

export class ClockOffsetMonitor {
  readonly #options: ClockOffsetMonitorOptions;
  readonly #samples = new Map<string, Sample>();
  #verdict: ClockVerdict;
  #verdictAtMonotonicMs = Number.NEGATIVE_INFINITY;
  #verdictWallLeadMs = 0;

  constructor(options: ClockOffsetMonitorOptions) {
    this.#options = options;
    this.#verdict = { synchronized: true, offsetMs: null, maxOffsetMs: options.maxOffsetMs, peersMeasured: 0, peersBeyond: 0 };
  }

  /** When a probe leaves: the time `record` measures its round trip from, on this monitor's monotonic clock. */
  probeSentAt(): number {
    return this.#options.monotonic.nowMs();
  }

  /** A peer's answer, arriving now: `peerClockMs` is its wall clock when it answered the probe sent at `sentMonotonicMs`. */
  record(nodeId: string, peerClockMs: number, sentMonotonicMs: number): void {
    const receivedMonotonicMs = this.#options.monotonic.nowMs();
    const receivedClockMs = this.#options.clock.nowMs();
    const uncertaintyMs = Math.max(0, receivedMonotonicMs - sentMonotonicMs) / 2;
    this.#samples.set(nodeId, {
      offsetMs: peerClockMs - (receivedClockMs - uncertaintyMs),
      uncertaintyMs,
      atMonotonicMs: receivedMonotonicMs,
      wallLeadMs: receivedClockMs - receivedMonotonicMs,
    });
    this.#refresh();
  }

  /** A member removed or gone for good: its clock no longer matters. */
  forget(nodeId: string): void {
    if (this.#samples.delete(nodeId)) this.#refresh();
  }

  /** Every peer whose sample still counts, as seen now. */
  peers(): PeerOffset[] {
    const nowMonotonicMs = this.#options.monotonic.nowMs();
    const leadNowMs = this.#wallLeadMs(nowMonotonicMs);
    const peers: PeerOffset[] = [];
    for (const [nodeId, sample] of this.#samples) {
      const ageMs = nowMonotonicMs - sample.atMonotonicMs;
      if (ageMs > CLOCK_SAMPLE_AGE_MS_MAX) continue;
      // If our wall clock jumped ahead by J since the sample, the peer now looks J further behind.
      peers.push({ nodeId, offsetMs: sample.offsetMs - (leadNowMs - sample.wallLeadMs), uncertaintyMs: sample.uncertaintyMs, ageMs });
    }
    return peers;
  }

  /**
   * The verdict now: recomputed when the last one is older than VERDICT_AGE_MS_MAX or this node's wall
   * clock has jumped since, so it costs two clock reads on the write path.
   */
  verdict(): ClockVerdict {
    const nowMonotonicMs = this.#options.monotonic.nowMs();
    const jumpMs = Math.abs(this.#wallLeadMs(nowMonotonicMs) - this.#verdictWallLeadMs);
    if (nowMonotonicMs - this.#verdictAtMonotonicMs > VERDICT_AGE_MS_MAX || jumpMs > this.#jumpToleranceMs()) this.#refresh();
    return this.#verdict;
  }

  #wallLeadMs(nowMonotonicMs: number): number {
    return this.#options.clock.nowMs() - nowMonotonicMs;
  }

  /** A jump smaller than this cannot change the verdict much; reading Date.now() itself jitters by a ms. */
  #jumpToleranceMs(): number {
    return Math.max(1, this.#options.maxOffsetMs / 4);
  }

  #refresh(): void {
    const nowMonotonicMs = this.#options.monotonic.nowMs();
    const peers = this.peers();
    const { maxOffsetMs } = this.#options;
    // A peer is beyond the bound only if it is so however the round trip split.
    const peersBeyond = peers.filter((peer) => Math.abs(peer.offsetMs) - peer.uncertaintyMs > maxOffsetMs).length;
    // Out of sync when most measured peers disagree with us: with one clock wrong among three, only its
    // node stops writing. (With two members, each sees the other beyond: both stop, since neither can
    // tell whose clock is the wrong one.)
    const synchronized = maxOffsetMs === 0 || peersBeyond * 2 <= peers.length;
    const previous = this.#verdict;
    this.#verdict = { synchronized, offsetMs: offsetFromCluster(peers), maxOffsetMs, peersMeasured: peers.length, peersBeyond };
    this.#verdictAtMonotonicMs = nowMonotonicMs;
    this.#verdictWallLeadMs = this.#wallLeadMs(nowMonotonicMs);
    if (previous.synchronized !== synchronized) this.#options.onChange?.(this.#verdict);
  }
}

/** Our offset from the median of every clock we know (ours counts as 0): the cluster's clock, roughly. */
function offsetFromCluster(peers: readonly PeerOffset[]): number | null {
  if (peers.length === 0) return null;
  const offsets = [0, ...peers.map((peer) => peer.offsetMs)].sort((a, b) => a - b);
  const middle = offsets.length / 2;
  const median = offsets.length % 2 === 1 ? offsets[Math.floor(middle)]! : (offsets[middle - 1]! + offsets[middle]!) / 2;
  // `+ 0` turns -0 into 0, which JSON would print as 0 anyway but tests and logs compare.
  return Math.round(-median) + 0;
}

/** The answer to a write this node must not version, or undefined when it may. */
export function writeRefusalOf(verdict: ClockVerdict): SwarmError | undefined {
  if (verdict.synchronized) return undefined;
  const { offsetMs, maxOffsetMs, peersBeyond, peersMeasured } = verdict;
  const direction = offsetMs === null ? 'off from' : offsetMs >= 0 ? `${offsetMs} ms ahead of` : `${-offsetMs} ms behind`;
  return new SwarmError(
    'unavailable',
    `this node's clock is ${direction} its cluster's (${peersBeyond} of the ${peersMeasured} peers measured are more than ${maxOffsetMs} ms off): it coordinates no writes until its clock is back within --max-clock-offset-ms; write through another node`,
    { reason: 'clock_offset', offsetMs, maxOffsetMs },
  );
}
