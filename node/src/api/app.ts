// The HTTP application: Elysia on Node through @elysiajs/node, with the OpenAPI document and Swagger UI.
// Errors raised by Elysia itself (an unknown route, say) are rendered in the same JSON shape as ours.

import { Elysia } from 'elysia';
import { node } from '@elysiajs/node';
import { swagger } from '@elysiajs/swagger';
import { SwarmError, type ErrorCode } from '../errors';
import { chaosRoutes, type ChaosRoutesDeps } from './chaos-routes';
import { clusterRoutes, type ClusterRoutesDeps } from './cluster-routes';
import { closeConnectionIfDraining } from './connection-draining';
import { dashboardRoutes, type DashboardRoutesDeps } from './dashboard-routes';
import { elasticityRoutes, type ElasticityRoutesDeps } from './elasticity-routes';
import { isClientAbort, toErrorResponse } from './instrumented';
import { dotSegmentKeyRefusal, kvRoutes, type KvRoutesDeps } from './kv-routes';
import { opsRoutes, type OpsRoutesDeps } from './ops-routes';
import { probeRoutes, type ProbeRoutesDeps } from './probe-routes';
import { ReadCors, readCorsPreflightRoutes } from './read-cors';
import { rebalanceRoutes, type RebalanceRoutesDeps } from './rebalance-routes';
import { repairRoutes, type RepairRoutesDeps } from './repair-routes';
import { accessRefusal, refusalHeaders, type AccessControlDeps } from './access-control';
import { errorResponse, json } from './responses';
import { annotateAccessRules, securityDocumentation } from './security-docs';
import { swaggerUiRoutes } from './swagger-ui-routes';
import { tokenRoutes, type TokenRoutesDeps } from './token-routes';

type RouteDeps = KvRoutesDeps & OpsRoutesDeps & ClusterRoutesDeps & RepairRoutesDeps & ElasticityRoutesDeps & RebalanceRoutesDeps & DashboardRoutesDeps & ProbeRoutesDeps & TokenRoutesDeps & AccessControlDeps & ChaosRoutesDeps;

export type AppDeps = Omit<RouteDeps, 'cors'> & {
  /** Where this node listens (http://host:port), once it does: its own origin may read cross-origin too. */
  listeningUrl(): string | undefined;
};

/** Origins allowed to read cross-origin: every member's HTTP address, and this node's own. */
function memberOrigins(deps: AppDeps): string[] {
  const origins = deps.cluster.memberAddresses().map((address) => `http://${address}`);
  const listening = deps.listeningUrl();
  if (listening !== undefined) origins.push(new URL(listening).origin);
  return origins;
}

/** Elysia's own error codes, mapped onto ours. */
const FRAMEWORK_ERRORS: Record<string, ErrorCode> = {
  NOT_FOUND: 'route_not_found',
  PARSE: 'invalid_json',
  VALIDATION: 'invalid_body',
  INVALID_COOKIE_SIGNATURE: 'invalid_body',
};

export function buildApp(appDeps: AppDeps) {
  const deps: RouteDeps = { ...appDeps, cors: new ReadCors(() => memberOrigins(appDeps)) };
  const app = new Elysia({ adapter: node() })
    .onRequest(async ({ request }) => {
      const refusal = await accessRefusal(request, deps);
      if (refusal === undefined) return undefined;
      closeConnectionIfDraining(request);
      // A refusal of a cross-origin read still carries the CORS headers, so the page can read why.
      return deps.cors.decorate(request, json(refusal.status, refusal.toJSON(), refusalHeaders(refusal)));
    })
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
      if (isClientAbort(error)) return toErrorResponse(error, deps.logger, new URL(request.url).pathname);
      deps.logger.error('http.framework_error', { code: String(code), error: error instanceof Error ? error.message : String(error) });
      return errorResponse(new SwarmError('internal', 'the node failed to handle this request; see its log'));
    })
    .use(
      swagger({
        path: '/swagger',
        documentation: {
          // 3.1: its schemas are JSON Schema (2020-12), which is what TypeBox emits (const, examples, type null).
          openapi: '3.1.0',
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
            { name: 'tokens', description: 'API tokens (admin)' },
            { name: 'chaos', description: 'Fault injection on a node started with --chaos (admin)' },
          ],
          ...securityDocumentation,
        },
      }),
    )
    // After the plugin: its GET /swagger (a page loading the UI from a CDN) is replaced by ours.
    .use(swaggerUiRoutes(deps))
    .use(kvRoutes(deps))
    .use(clusterRoutes(deps))
    .use(repairRoutes(deps))
    .use(elasticityRoutes(deps))
    .use(rebalanceRoutes(deps))
    .use(opsRoutes(deps))
    .use(probeRoutes(deps))
    .use(dashboardRoutes(deps))
    .use(readCorsPreflightRoutes(deps.cors))
    .use(tokenRoutes(deps))
    .use(chaosRoutes(deps));
  annotateAccessRules(app.routes as unknown as Parameters<typeof annotateAccessRules>[0]);
  return app;
}
