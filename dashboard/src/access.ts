// The API token of this browser tab. A node started with an admin token answers 401 without one, so
// the dashboard asks for a token and sends it on every request. It is kept in sessionStorage: for this
// tab's session only, never in a cookie (which a browser would attach to other sites' requests) and
// never in localStorage (which outlives the session). What the token's role may do decides which
// controls are shown: writes need `write`, a repair `admin` (the node checks regardless).

export type Role = 'read' | 'write' | 'admin';

export interface Access {
  /** Whether the node checks tokens at all. */
  readonly enforcing: boolean;
  /** What the current token grants; null when a token is needed and none (or no valid one) is held. */
  readonly role: Role | null;
}

const STORAGE_KEY = 'swarmkv.token';
const RANK: Record<Role, number> = { read: 1, write: 2, admin: 3 };

export function storedToken(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function storeToken(token: string | null): void {
  if (token === null || token.trim().length === 0) sessionStorage.removeItem(STORAGE_KEY);
  else sessionStorage.setItem(STORAGE_KEY, token.trim());
}

/** The Authorization header for this tab's token, merged into a request's own headers. */
export function withToken(headers: HeadersInit | undefined): Headers {
  const merged = new Headers(headers);
  const token = storedToken();
  if (token !== null) merged.set('authorization', `Bearer ${token}`);
  return merged;
}

export function allows(access: Access | null, needed: Role): boolean {
  return access !== null && access.role !== null && RANK[access.role] >= RANK[needed];
}
