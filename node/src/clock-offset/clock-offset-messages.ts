// The clock-offset protocol (codes 128..129): a member asks a peer for its wall clock and times the
// round trip; the answer's time, set against the middle of the round trip on its own clock, is the
// peer's offset, give or take half the round trip. Read-only on the answering side.

import { defineMessage } from '../wire';

export type ClockProbeMessage = { readonly type: 'clockProbe' };
/** `clockMs`: the answering member's wall clock when it answered, ms since the epoch. */
export type ClockReadingMessage = { readonly type: 'clockReading'; readonly clockMs: number };

/** Wall-clock milliseconds, as versions carry them: 12 hex digits (until the year 10889). */
export const CLOCK_MS_MAX = 16 ** 12 - 1;

export const clockProbe = defineMessage<ClockProbeMessage>('clockProbe', () => ({}));

export const clockReading = defineMessage<ClockReadingMessage>('clockReading', (fields) => ({ clockMs: fields.integer('clockMs', { min: 0, max: CLOCK_MS_MAX }) }));
