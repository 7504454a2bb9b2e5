// The HTTP application: Elysia on Node through @elysiajs/node, with the OpenAPI document and Swagger UI.
// Errors raised by Elysia itself (an unknown route, say) are rendered in the same JSON shape as ours.

import { Elysia } from 'elysia';
import { node } from '@elysiajs/node';
import { swagger } from '@elysiajs/swagger';
import { SwarmError, type ErrorCode } from '../errors';
import { clusterRoutes, type ClusterRoutesDeps } from './cluster-routes';
import { closeConnectionIfDraining } from './connection-draining';
import { dotSegmentKeyRefusal, kvRoutes, type KvRoutesDeps } from './kv-routes';
import { opsRoutes, type OpsRoutesDeps } from './ops-routes';
import { probeRoutes, type ProbeRoutesDeps } from './probe-routes';
import { repairRoutes, type RepairRoutesDeps } from './repair-routes';
import { errorResponse } from './responses';

export type AppDeps = KvRoutesDeps & OpsRoutesDeps & ClusterRoutesDeps & RepairRoutesDeps & ProbeRoutesDeps;

/** Elysia's own error codes, mapped onto ours. */
const FRAMEWORK_ERRORS: Record<string, ErrorCode> = {
  NOT_FOUND: 'route_not_found',
  PARSE: 'invalid_json',
  VALIDATION: 'invalid_body',
  INVALID_COOKIE_SIGNATURE: 'invalid_body',
};

export function buildApp(deps: AppDeps) {
  return new Elysia({ adapter: node() })
    .onError(({ code, error, request }) => {
      closeConnectionIfDraining(request);
      const ourCode = FRAMEWORK_ERRORS[String(code)];
      if (ourCode === 'route_not_found') {
        const refusal = dotSegmentKeyRefusal(request, deps.keyBytesMax);
        if (refusal !== undefined) return errorResponse(refusal);
        const path = new URL(request.url).pathname;
        const hint = path.startsWith('/kv/') ? ' (a key containing "/" must be percent-encoded as %2F)' : '';
        return errorResponse(new SwarmError('route_not_found', `no route for ${request.method} ${path}${hint}`));
      }
      if (ourCode !== undefined) return errorResponse(new SwarmError(ourCode, 'the request could not be read'));
      deps.logger.error('http.framework_error', { code: String(code), error: error instanceof Error ? error.message : String(error) });
      return errorResponse(new SwarmError('internal', 'the node failed to handle this request; see its log'));
    })
    .use(
      swagger({
        path: '/swagger',
        documentation: {
          info: {
            title: 'swarmkv',
            version: deps.identity.release,
            description:
              'A peer-to-peer key-value store. Every error is JSON `{"error": <code>, "message": <text>}`; codes are listed in the Error schema.',
          },
          tags: [
            { name: 'kv', description: 'Reading and writing keys' },
            { name: 'cluster', description: 'Membership, the hash ring and key placement' },
            { name: 'ops', description: 'Health and metrics' },
          ],
        },
      }),
    )
    .use(kvRoutes(deps))
    .use(clusterRoutes(deps))
    .use(repairRoutes(deps))
    .use(opsRoutes(deps))
    .use(probeRoutes(deps));
}
