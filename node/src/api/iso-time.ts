// `updatedAt` as ISO 8601 text (what Date#toISOString gives) without a Date per call. Every GET formats
// one, and `new Date(ms).toISOString()` cost ~4 µs of a ~115 µs GET (bench/RESULTS.md). The calendar
// part changes once a day: it is taken from toISOString once per day seen and kept; the time of day is
// plain arithmetic.

const DAY_MS = 86_400_000;
/** The largest time a Date holds, either side of 1970 (ECMA-262 21.4.1.1). */
const DATE_MS_MAX = 8.64e15;
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

let cachedDay = Number.NaN;
/** `YYYY-MM-DDT` of cachedDay. */
let cachedDayPrefix = '';

/** Exactly `new Date(ms).toISOString()` for an integer `ms` in Date's range. */
export function isoTime(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay || !Number.isInteger(ms) || Math.abs(ms) > DATE_MS_MAX) {
    // Also the path for what the arithmetic below does not cover: a fraction, or a time Date rejects.
    const text = new Date(ms).toISOString();
    if (!Number.isInteger(ms)) return text;
    cachedDay = day;
    cachedDayPrefix = text.slice(0, text.indexOf('T') + 1);
  }
  const msOfDay = ms - day * DAY_MS;
  const seconds = Math.floor(msOfDay / 1000);
  return `${cachedDayPrefix}${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:${TWO_DIGITS[seconds % 60]}.${THREE_DIGITS[msOfDay % 1000]}Z`;
}
