// Token management (admin only, by roles.ts): `swarmkv token create | ls | revoke`.

import { Elysia } from 'elysia';
import { SwarmError } from '../errors';
import type { Logger } from '../log';
import type { HttpMetrics } from './http-metrics';
import { instrumented } from './instrumented';
import { readJsonBody } from './request-body';
import { emptyResponse, json } from './responses';
import { isRole, ROLES } from './roles';
import { tokenDocs } from './token-docs';
import type { TokenRegistry } from './token-registry';

export interface TokenRoutesDeps {
  readonly tokens: TokenRegistry;
  readonly metrics: HttpMetrics;
  readonly logger: Logger;
}

/** The body of a token request is small; its own bound keeps it so. */
const TOKEN_BODY_BYTES_MAX = 1024;

export function tokenRoutes(deps: TokenRoutesDeps) {
  const { tokens, metrics, logger } = deps;
  return new Elysia({ name: 'token-routes' })
    .post(
      '/tokens',
      instrumented(metrics, logger, 'POST', '/tokens', async ({ request }) => {
        const body = await readJsonBody(request, TOKEN_BODY_BYTES_MAX);
        const { role, label } = body as { role?: unknown; label?: unknown };
        if (!isRole(role)) throw new SwarmError('invalid_body', `"role" must be one of ${ROLES.join(', ')}`);
        if (label !== undefined && typeof label !== 'string') throw new SwarmError('invalid_body', '"label" must be a string');
        const issued = await tokens.create(role, label ?? '');
        // The id and role only: the token itself is never logged.
        logger.info('token.created', { id: issued.id, role: issued.role });
        return json(201, issued);
      }),
      { parse: 'none', detail: tokenDocs.create },
    )
    .get(
      '/access',
      instrumented(metrics, logger, 'GET', '/access', async ({ request }) => {
        // What the caller's token (or none) may do here, so a page can ask for one and hide the rest.
        if (!tokens.enforcing) return json(200, { enforcing: false, role: 'admin' });
        const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')?.[1];
        return json(200, { enforcing: true, role: token === undefined ? null : ((await tokens.roleOf(token)) ?? null) });
      }),
      { detail: tokenDocs.access },
    )
    .get('/tokens', instrumented(metrics, logger, 'GET', '/tokens', async () => json(200, { tokens: await tokens.list() })), { detail: tokenDocs.list })
    .delete(
      '/tokens/:id',
      instrumented(metrics, logger, 'DELETE', '/tokens/{id}', async ({ params }) => {
        const id = String(params.id ?? '');
        await tokens.revoke(id);
        logger.info('token.revoked', { id });
        return emptyResponse(204);
      }),
      { detail: tokenDocs.revoke },
    );
}
