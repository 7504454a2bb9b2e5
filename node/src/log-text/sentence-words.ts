// The small words the log sentences share: counts with their nouns, spans of time, signed offsets,
// an error's first line, and lists of peers by name. The CLI prints counts and megabytes with the
// same two functions (cli/src/amounts.ts).

import type { EventMemory } from './event-names';

export const plural = (count: unknown, noun: string, nouns = `${noun}s`) => `${String(count)} ${count === 1 ? noun : nouns}`;

/** `850 ms`, `4.2 s`, `3 min 5 s`, `1 h 0 min`: how long something took or waited (as the CLI's status and the dashboard write spans). */
export function span(valueMs: unknown): string {
  const ms = Math.abs(Number(valueMs));
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  // Rounded to the unit shown before it is split: never `1 min 60 s` nor `60 min 0 s`.
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  const minutes = Math.round(ms / 60_000);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** `+850 ms`, `-4.2 s`: an offset from another clock. */
export function signedSpan(valueMs: unknown): string {
  return `${Number(valueMs) < 0 ? '-' : '+'}${span(valueMs)}`;
}

/** The first line of an error as logged (a message, or a stack whose first line is the message). */
export function firstLine(error: unknown): string {
  return String(error).split('\n')[0]!;
}

/** Node ids or names, as names where one has been seen: `node-7071, node-7072`. */
export function names(values: unknown, memory: Pick<EventMemory, 'nameOf'>): string {
  return Array.isArray(values) && values.length > 0 ? values.map((value) => memory.nameOf(value)).join(', ') : 'nobody';
}

/** A list as written: `store, transport`; `nothing` when empty. */
export function listed(values: unknown): string {
  return Array.isArray(values) && values.length > 0 ? values.map(String).join(', ') : 'nothing';
}

/** 12,345: counts large enough to be read at a glance. */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Bytes in decimal megabytes, a tenth at a time: `1.4 MB`. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
