// CORS for the read-only routes, so a dashboard served by one node can keep reading the cluster through
// another when its own node dies. Only origins that are cluster members' HTTP addresses (and this
// node's own) are allowed, and only for GET: writes stay same-origin, so a page elsewhere can never
// make a browser change data. Requests without an Origin header (the CLI, curl) pay nothing.

import { Elysia } from 'elysia';
import { emptyResponse } from './responses';

/** How long a browser may cache a preflight answer: membership changes reach it within this. */
export const CORS_PREFLIGHT_MAX_AGE_SECONDS = 600;
/** Request headers a cross-origin read may send beyond the CORS-safelisted ones. */
const ALLOWED_REQUEST_HEADERS = 'accept, if-none-match, cache-control';
/** Response headers a cross-origin page may read: which nodes served it, and the version. */
const EXPOSED_HEADERS = 'etag, x-swarmkv-coordinator, x-swarmkv-replicas';
const READ_METHODS = new Set(['GET', 'HEAD']);

export class ReadCors {
  readonly #allowedOrigins: () => Iterable<string>;

  /** `allowedOrigins`: read when a request carries an Origin, so membership changes apply at once. */
  constructor(allowedOrigins: () => Iterable<string>) {
    this.#allowedOrigins = allowedOrigins;
  }

  isAllowed(origin: string): boolean {
    for (const allowed of this.#allowedOrigins()) if (allowed === origin) return true;
    return false;
  }

  /** Adds the CORS headers to a read route's response when its request came from an allowed origin. */
  decorate(request: Request, response: Response): Response {
    const origin = request.headers.get('origin');
    if (origin === null) return response;
    response.headers.append('vary', 'origin');
    if (!this.isAllowed(origin)) return response;
    response.headers.set('access-control-allow-origin', origin);
    response.headers.set('access-control-expose-headers', EXPOSED_HEADERS);
    return response;
  }

  /**
   * Answers an OPTIONS preflight for a read route: allowed for GET (or HEAD) from an allowed origin;
   * otherwise 204 without CORS headers, which the browser reads as a refusal.
   */
  preflight(request: Request): Response {
    const origin = request.headers.get('origin');
    const method = request.headers.get('access-control-request-method');
    const headers: Record<string, string> = { allow: 'GET, HEAD, OPTIONS', vary: 'origin' };
    if (origin === null || method === null || !READ_METHODS.has(method) || !this.isAllowed(origin)) return emptyResponse(204, headers);
    return emptyResponse(204, {
      ...headers,
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET, HEAD',
      'access-control-allow-headers': ALLOWED_REQUEST_HEADERS,
      'access-control-max-age': String(CORS_PREFLIGHT_MAX_AGE_SECONDS),
    });
  }
}

/** Preflights for the read routes; their GET handlers decorate their own responses (see instrumented.ts). */
export function readCorsPreflightRoutes(cors: ReadCors) {
  const preflight = ({ request }: { request: Request }) => cors.preflight(request);
  const hidden = { detail: { hide: true } };
  return new Elysia({ name: 'read-cors' })
    .options('/cluster/*', preflight, hidden)
    .options('/health', preflight, hidden)
    .options('/stats', preflight, hidden)
    .options('/kv', preflight, hidden)
    .options('/kv/:key', preflight, hidden);
}
