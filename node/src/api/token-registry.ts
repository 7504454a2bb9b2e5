// API tokens, kept in the cluster's own keyspace so that a token created or revoked on any node takes
// effect on every node without a restart: each token is a record under SYSTEM_KEY_PREFIX, replicated,
// repaired and handed off like any key. What is stored is the SHA-256 of the token, never the token:
// a token is 256 random bits, so its hash cannot be reversed, and a stolen store or log grants nothing.
// The record's key is that hash; a token's id (shown by `token ls`, used by `token revoke`) is the
// hash's first 16 hex digits, enough to name it and useless to forge it.
//
// The first admin token comes from the environment ($SWARMKV_ADMIN_TOKEN) and is never stored: each
// node started with it accepts it, compared in constant time against its hash kept in memory.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock';
import { SwarmError } from '../errors';
import { SYSTEM_KEY_PREFIX } from '../keys';
import { TOKEN_CACHE_ENTRIES_MAX, TOKEN_CACHE_MS, TOKEN_LABEL_CHARS_MAX, TOKENS_MAX } from '../limits';
import type { Coordinator } from '../replication';
import { sha256Bytes } from '../sha256';
import { isRole, type Role } from './roles';

const TOKEN_KEY_PREFIX = `${SYSTEM_KEY_PREFIX}token/`;
/** Tokens we issue: a recognisable prefix (secret scanners find leaked ones) and 32 random bytes. */
const ISSUED_TOKEN = /^skv_[A-Za-z0-9_-]{43}$/;
const TOKEN_ID_HEX_DIGITS = 16;
const TOKEN_ID = /^[0-9a-f]{16}$/;

export interface TokenInfo {
  readonly id: string;
  readonly role: Role;
  readonly label: string;
  readonly createdAt: string;
}

export interface IssuedToken extends TokenInfo {
  /** The token itself: shown once, at creation, and never again. */
  readonly token: string;
}

interface CachedRole {
  readonly role: Role | undefined;
  readonly untilMs: number;
}

export class TokenRegistry {
  readonly #coordinator: Coordinator;
  readonly #clock: Clock;
  readonly #adminTokenHash: Buffer | undefined;
  readonly #cache = new Map<string, CachedRole>();

  constructor(coordinator: Coordinator, clock: Clock, adminToken: string | undefined) {
    this.#coordinator = coordinator;
    this.#clock = clock;
    this.#adminTokenHash = adminToken === undefined ? undefined : sha256Bytes(adminToken);
  }

  /** Whether this node checks tokens at all: it does once it was given the first admin token. */
  get enforcing(): boolean {
    return this.#adminTokenHash !== undefined;
  }

  /** The role a bearer token grants, or undefined for a token that is unknown or revoked. */
  async roleOf(token: string): Promise<Role | undefined> {
    const hash = sha256Bytes(token);
    if (this.#adminTokenHash !== undefined && timingSafeEqual(hash, this.#adminTokenHash)) return 'admin';
    // Only tokens of our own shape are looked up: garbage costs no cluster read.
    if (!ISSUED_TOKEN.test(token)) return undefined;
    const hex = hash.toString('hex');
    const nowMs = this.#clock.nowMs();
    const cached = this.#cache.get(hex);
    if (cached !== undefined && cached.untilMs > nowMs) return cached.role;
    const role = await this.#lookUp(hex);
    if (this.#cache.size >= TOKEN_CACHE_ENTRIES_MAX) this.#cache.clear();
    this.#cache.set(hex, { role, untilMs: nowMs + TOKEN_CACHE_MS });
    return role;
  }

  async create(role: Role, label: string): Promise<IssuedToken> {
    if (label.length > TOKEN_LABEL_CHARS_MAX) throw new SwarmError('invalid_body', `the label exceeds ${TOKEN_LABEL_CHARS_MAX} characters`);
    if ((await this.#keys(TOKEN_KEY_PREFIX)).length >= TOKENS_MAX) throw new SwarmError('conflict', `the cluster holds ${TOKENS_MAX} tokens already; revoke some first`);
    const token = `skv_${randomBytes(32).toString('base64url')}`;
    const hex = sha256Bytes(token).toString('hex');
    const info: TokenInfo = { id: hex.slice(0, TOKEN_ID_HEX_DIGITS), role, label, createdAt: new Date(this.#clock.nowMs()).toISOString() };
    await this.#coordinator.create(TOKEN_KEY_PREFIX + hex, JSON.stringify(info));
    return { ...info, token };
  }

  async list(): Promise<TokenInfo[]> {
    const keys = await this.#keys(TOKEN_KEY_PREFIX);
    const records = await Promise.all(keys.map((key) => this.#coordinator.get(key).then((read) => parseTokenInfo(read.result.valueJson ?? "null"), () => undefined)));
    return records.filter((info) => info !== undefined);
  }

  /** Revokes the token with this id, on every node within TOKEN_CACHE_MS; not_found if there is none. */
  async revoke(id: string): Promise<void> {
    if (!TOKEN_ID.test(id)) throw new SwarmError('invalid_key', `a token id is ${TOKEN_ID_HEX_DIGITS} hex digits, as \`token ls\` shows it`);
    const keys = await this.#keys(TOKEN_KEY_PREFIX + id);
    if (keys.length === 0) throw new SwarmError('not_found', `no token with id ${id}`, { id });
    for (const key of keys) await this.#coordinator.delete(key);
    for (const key of keys) this.#cache.delete(key.slice(TOKEN_KEY_PREFIX.length));
  }

  async #lookUp(hex: string): Promise<Role | undefined> {
    try {
      const read = await this.#coordinator.get(TOKEN_KEY_PREFIX + hex);
      return parseTokenInfo(read.result.valueJson ?? "null")?.role;
    } catch (error) {
      if (error instanceof SwarmError && error.code === 'not_found') return undefined;
      throw error;
    }
  }

  async #keys(prefix: string): Promise<string[]> {
    const page = await this.#coordinator.list({ prefix, limit: TOKENS_MAX, cursor: undefined });
    return page.items.map((item) => item.key);
  }
}

function parseTokenInfo(valueJson: string): TokenInfo | undefined {
  const value: unknown = JSON.parse(valueJson);
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, role, label, createdAt } = value as Record<string, unknown>;
  if (typeof id !== 'string' || !isRole(role) || typeof label !== 'string' || typeof createdAt !== 'string') return undefined;
  return { id, role, label, createdAt };
}
