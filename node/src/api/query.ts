// Query parameters, read from the raw URL rather than Elysia's parsed object so that a repeated
// parameter is seen (and refused) instead of one copy silently winning. Most requests have none.

import type { Consistency } from '../config';
import { SwarmError } from '../errors';
import { CONSISTENCY_LEVELS, isConsistency } from '../replication';

export function queryOf(request: Request): URLSearchParams | undefined {
  const start = request.url.indexOf('?');
  return start < 0 ? undefined : new URLSearchParams(request.url.slice(start + 1));
}

export function singleQueryValue(query: URLSearchParams | undefined, name: string): string | undefined {
  const values = query?.getAll(name) ?? [];
  if (values.length > 1) throw new SwarmError('invalid_query', `give ${name} at most once`);
  return values[0];
}

/** A decimal integer parameter within [min, max], or `fallback` when absent; anything else is invalid_query. */
export function integerQueryValue(query: URLSearchParams | undefined, name: string, range: { min: number; max: number; fallback: number }): number {
  const text = singleQueryValue(query, name);
  if (text === undefined) return range.fallback;
  const value = Number(text);
  if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new SwarmError('invalid_query', `${name} must be an integer ${range.min}..${range.max}`);
  }
  return value;
}

/** `?consistency=one|quorum|all`, or undefined for the node's default. */
export function consistencyQueryValue(query: URLSearchParams | undefined): Consistency | undefined {
  const value = singleQueryValue(query, 'consistency');
  if (value === undefined) return undefined;
  if (!isConsistency(value)) throw new SwarmError('invalid_query', `consistency must be one of ${CONSISTENCY_LEVELS.join(', ')}`);
  return value;
}
