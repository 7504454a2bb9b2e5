// Strict checks of the chaos routes' JSON bodies: an unknown field, a wrong type or a number out of its
// range is refused (400 invalid_body naming the field) before any fault state changes.

import { SwarmError } from '../errors';
import { CHAOS_DELAY_MS_MAX, CHAOS_PARTITION_MS_MAX, CHAOS_PARTITION_PEERS_MAX, CHAOS_PAUSE_MS_MAX, CHAOS_RESTART_AFTER_MS_MAX, CHAOS_RUN_CHARS_MAX, CHAOS_SKEW_MS_MAX } from '../limits';

export interface PartitionBody {
  readonly peers: readonly string[];
  readonly durationMs?: number;
  readonly run?: string;
}

export interface DelayBody {
  readonly peers: readonly string[];
  /** 0 lifts the delay of these peers. */
  readonly delayMs: number;
  readonly jitterMs: number;
  readonly durationMs?: number;
  readonly run?: string;
}

export interface HealBody {
  /** Absent: heal every peer. */
  readonly peers?: readonly string[];
  readonly run?: string;
}

export interface PauseBody {
  readonly durationMs: number;
  readonly run?: string;
}

export interface SkewBody {
  readonly offsetMs: number;
  readonly run?: string;
}

export interface KillBody {
  /** Asks the node's supervisor to start it again, on its data, this long after it died. */
  readonly restartAfterMs?: number;
  readonly run?: string;
}

type Fields = Readonly<Record<string, unknown>>;

function refuse(field: string, why: string): SwarmError {
  return new SwarmError('invalid_body', `"${field}" ${why}`, { field });
}

function onlyFields(body: Fields, allowed: readonly string[]): void {
  const unknown = Object.keys(body).find((field) => !allowed.includes(field));
  if (unknown !== undefined) throw refuse(unknown, `is not a field of this request (expected ${allowed.map((field) => `"${field}"`).join(', ')})`);
}

function integerIn(body: Fields, field: string, min: number, max: number): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw refuse(field, 'must be an integer number of milliseconds');
  if (value < min || value > max) throw refuse(field, `must be within ${min}..${max}, got ${value}`);
  return value;
}

function optionalRun(body: Fields): { run?: string } {
  const run = body.run;
  if (run === undefined) return {};
  if (typeof run !== 'string' || run.length === 0 || run.length > CHAOS_RUN_CHARS_MAX) throw refuse('run', `must be a string of 1..${CHAOS_RUN_CHARS_MAX} characters`);
  return { run };
}

function peerList(body: Fields): string[] {
  const peers = body.peers;
  if (!Array.isArray(peers) || peers.length === 0 || peers.length > CHAOS_PARTITION_PEERS_MAX) throw refuse('peers', `must be an array of 1..${CHAOS_PARTITION_PEERS_MAX} node ids or names`);
  if (!peers.every((peer): peer is string => typeof peer === 'string' && peer.length > 0)) throw refuse('peers', 'must hold only non-empty strings (node ids or names)');
  return [...new Set(peers)];
}

export function parsePartitionBody(body: Fields): PartitionBody {
  onlyFields(body, ['peers', 'durationMs', 'run']);
  const peers = peerList(body);
  const duration = body.durationMs === undefined ? {} : { durationMs: integerIn(body, 'durationMs', 1, CHAOS_PARTITION_MS_MAX) };
  return { peers, ...duration, ...optionalRun(body) };
}

export function parseDelayBody(body: Fields): DelayBody {
  onlyFields(body, ['peers', 'delayMs', 'jitterMs', 'durationMs', 'run']);
  const peers = peerList(body);
  const delayMs = integerIn(body, 'delayMs', 0, CHAOS_DELAY_MS_MAX);
  const jitterMs = body.jitterMs === undefined ? 0 : integerIn(body, 'jitterMs', 0, CHAOS_DELAY_MS_MAX - delayMs);
  if (delayMs === 0 && jitterMs > 0) throw refuse('jitterMs', 'must be left out (or 0) when "delayMs" is 0, which lifts the delay');
  if (delayMs === 0 && body.durationMs !== undefined) throw refuse('durationMs', 'must be left out when "delayMs" is 0, which lifts the delay');
  const duration = body.durationMs === undefined ? {} : { durationMs: integerIn(body, 'durationMs', 1, CHAOS_PARTITION_MS_MAX) };
  return { peers, delayMs, jitterMs, ...duration, ...optionalRun(body) };
}

export function parseHealBody(body: Fields): HealBody {
  onlyFields(body, ['peers', 'run']);
  return { ...(body.peers === undefined ? {} : { peers: peerList(body) }), ...optionalRun(body) };
}

export function parsePauseBody(body: Fields): PauseBody {
  onlyFields(body, ['durationMs', 'run']);
  return { durationMs: integerIn(body, 'durationMs', 1, CHAOS_PAUSE_MS_MAX), ...optionalRun(body) };
}

export function parseSkewBody(body: Fields): SkewBody {
  onlyFields(body, ['offsetMs', 'run']);
  return { offsetMs: integerIn(body, 'offsetMs', -CHAOS_SKEW_MS_MAX, CHAOS_SKEW_MS_MAX), ...optionalRun(body) };
}

export function parseKillBody(body: Fields): KillBody {
  onlyFields(body, ['restartAfterMs', 'run']);
  const restart = body.restartAfterMs === undefined ? {} : { restartAfterMs: integerIn(body, 'restartAfterMs', 0, CHAOS_RESTART_AFTER_MS_MAX) };
  return { ...restart, ...optionalRun(body) };
}
