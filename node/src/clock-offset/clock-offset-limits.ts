// The clock-offset layer's timings, in one place.

/** Each peer's clock is read this often: enough to see a skew within a second or two, a message a second per peer. */
export const CLOCK_PROBE_INTERVAL_MS = 1000;
/**
 * A probe unanswered this long is given up. Its round trip would make the sample uncertain by half of it,
 * so a late answer is worth little; the next round asks again.
 */
export const CLOCK_PROBE_TIMEOUT_MS = 2000;
/**
 * A peer's sample counts this long after it was taken, through a partition: long enough to cover one of
 * minutes, short enough that clocks drifting apart unmeasured (tens of ppm: tens of ms in ten minutes)
 * stay well inside any useful bound. Past it the peer is unmeasured, and without any sample the node
 * writes as usual: the guard refuses on evidence, not for the lack of it.
 */
export const CLOCK_SAMPLE_AGE_MS_MAX = 10 * 60_000;
/** The write path's cached verdict is recomputed at least this often. */
export const VERDICT_AGE_MS_MAX = 250;
/**
 * After it starts, a node that expects peers (it remembers its ring's members, or knows some alive) holds
 * its writes until its first clock reading, at most this long: a node restarted with a wrong clock would
 * otherwise version writes before its first reading could refuse them. With its peers reachable the
 * first reading comes within a few tens of milliseconds of listening (test/clock-guard.test.ts logs it);
 * past a probe's own timeout it is not on its way (the peers are gone or cut off), and the node writes
 * as it did before the bound existed rather than keep clients waiting past their own timeouts.
 */
export const CLOCK_FIRST_READING_WAIT_MS = CLOCK_PROBE_TIMEOUT_MS;
