// The gate every request passes before any route sees it, in this order: is it addressed to this node
// (Host), may a browser page of its Origin change anything here, and does its token's role allow it.
// Each refusal is the usual JSON error; nothing behind the gate runs.

import { SwarmError } from '../errors';
import type { HostPolicy } from './host-check';
import { requirementOf, roleSatisfies, type Requirement } from './roles';
import type { TokenRegistry } from './token-registry';

export interface AccessControlDeps {
  readonly hosts: HostPolicy;
  readonly tokens: TokenRegistry;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The path of an absolute request URL, without parsing the whole URL on every request. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const end = url.indexOf('?', start);
  return end < 0 ? url.slice(start) : url.slice(start, end);
}

/** The refusal of a request whose Host is not one of this node's names (DNS rebinding, host-check.ts). */
export function hostRefusal(host: string | null, hosts: HostPolicy): SwarmError | undefined {
  if (hosts.hostAllowed(host)) return undefined;
  return new SwarmError('misdirected_request', `this node does not answer to the host ${JSON.stringify(host?.slice(0, 100))}; add it with --allowed-hosts if it is one of its names`);
}

/** Why this request may not proceed, or undefined when it may. */
export async function accessRefusal(request: Request, deps: AccessControlDeps): Promise<SwarmError | undefined> {
  const host = request.headers.get('host');
  const misdirected = hostRefusal(host, deps.hosts);
  if (misdirected !== undefined) return misdirected;
  if (STATE_CHANGING.has(request.method) && !deps.hosts.originAllowed(request.headers.get('origin'), host)) {
    return new SwarmError('forbidden', 'a page of another origin may not change this node; use its own dashboard, a cluster member, or --allowed-hosts', { reason: 'foreign_origin' });
  }
  if (!deps.tokens.enforcing) return undefined;
  return tokenRefusal(requirementOf(request.method, pathOf(request.url)), request.headers.get('authorization'), deps.tokens);
}

/**
 * Why a request needing `needed` may not proceed with this Authorization header, or undefined when it
 * may; a token that could not be checked (too few replicas answered the lookup) refuses it as 503.
 * Shared by the gate above and the plain key routes served ahead of it (fast-key-routes.ts).
 */
export async function tokenRefusal(needed: Requirement, authorization: string | null | undefined, tokens: TokenRegistry): Promise<SwarmError | undefined> {
  if (needed === 'none') return undefined;
  const token = BEARER.exec(authorization ?? '')?.[1];
  if (token === undefined) return new SwarmError('unauthorized', 'this node requires a token: send Authorization: Bearer <token> (the CLI: --token or $SWARMKV_TOKEN)');
  const role = await tokens.roleOf(token).catch((error: unknown) => toTokenCheckFailure(error));
  if (role instanceof SwarmError) return role;
  if (role === undefined) return new SwarmError('unauthorized', 'the token is not valid (unknown or revoked)');
  if (!roleSatisfies(role, needed)) return new SwarmError('forbidden', `this needs a token with the ${needed} role; this one has ${role}`, { role, needed });
  return undefined;
}

/** The headers a refusal carries: a 401 names the scheme to use (RFC 9110 11.6.1). */
export function refusalHeaders(refusal: SwarmError): Record<string, string> {
  return refusal.code === 'unauthorized' ? { 'www-authenticate': UNAUTHORIZED_CHALLENGE } : {};
}

const UNAUTHORIZED_CHALLENGE = 'Bearer realm="swarmkv"';

function toTokenCheckFailure(error: unknown): SwarmError {
  if (error instanceof SwarmError) return error;
  return new SwarmError('unavailable', 'the node could not check the token; retry in a moment', { reason: 'token_check_failed' });
}
