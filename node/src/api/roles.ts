// Who may call what. Three roles, each including the one before it: `read` (every GET), `write`
// (also PUT, POST and DELETE of keys), `admin` (also cluster operations: repair, tokens, the chaos API
// even to read it, and whatever later changes the cluster). Predictions that change nothing, like GET /cluster/ring/what-if, are reads. Probes, the API's own description and the dashboard's static files need
// no token: orchestrators probe without credentials, and the dashboard must load to ask for one.
//
// The rule is written by method and path prefix rather than per route, so a route added later is
// covered by the strictest rule that fits it: a new GET needs `read`, any other new method `admin`.

export const ROLES = ['read', 'write', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/** What a request needs: no token at all, or a token of at least this role. */
export type Requirement = Role | 'none';

const RANK: Record<Role, number> = { read: 1, write: 2, admin: 3 };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function roleSatisfies(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/** Open to anyone: probes, the OpenAPI document and Swagger UI, the dashboard, and what a token may do (/access). */
const OPEN_PATHS: ReadonlySet<string> = new Set(['/health', '/health/live', '/health/ready', '/', '/swagger', '/swagger/json', '/access']);
const OPEN_PREFIXES: readonly string[] = ['/dashboard/', '/swagger/'];
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * The role a request needs. `/metrics` needs `read`: it reveals request rates, key counts and store
 * size, which is what a read token already sees, and a Prometheus scraper can hold a read token.
 */
export function requirementOf(method: string, path: string): Requirement {
  // A CORS preflight carries no credentials by design; it reads nothing, and the request it clears is
  // checked on its own.
  if (method === 'OPTIONS') return 'none';
  if (READ_METHODS.has(method)) {
    if (OPEN_PATHS.has(path) || OPEN_PREFIXES.some((prefix) => path.startsWith(prefix))) return 'none';
    return path.startsWith('/tokens') || path === '/chaos' || path.startsWith('/chaos/') ? 'admin' : 'read';
  }
  if (path === '/kv' || path.startsWith('/kv/')) return 'write';
  return 'admin';
}
