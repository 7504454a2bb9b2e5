// The dashboard: static files built into dist/dashboard/ (by dashboard/build.ts), served by every node
// at /dashboard/, with `GET /` leading there. Not part of the API, so hidden from the OpenAPI document.

import { Elysia } from 'elysia';
import { SwarmError } from '../errors';
import type { Logger } from '../log';
import type { HttpMetrics } from './http-metrics';
import { instrumented } from './instrumented';
import { dotSegmentKeyRefusal } from './kv-routes';
import { emptyResponse } from './responses';
import { StaticFiles } from './static-files';

export const DASHBOARD_PATH = '/dashboard/';

export interface DashboardRoutesDeps {
  /** The built dashboard's folder (absolute), or undefined when this process has none to serve. */
  readonly dashboardDir: string | undefined;
  readonly metrics: HttpMetrics;
  readonly logger: Logger;
  readonly keyBytesMax: number;
}

const hidden = { detail: { hide: true } } as const;

function notBuilt(where: string | undefined): SwarmError {
  const detail = where === undefined ? 'this node was not started from a build that has one' : `${where} does not exist`;
  return new SwarmError('not_found', `the dashboard was not built (${detail}); run \`bun run build\``, { reason: 'dashboard_not_built' });
}

export function dashboardRoutes(deps: DashboardRoutesDeps) {
  const files = deps.dashboardDir === undefined ? undefined : new StaticFiles(deps.dashboardDir);
  // The query (e.g. `?poll=250`, the dashboard's own settings) goes along.
  const toDashboard = ({ request }: { request: Request }) => emptyResponse(302, { location: `${DASHBOARD_PATH}${new URL(request.url).search}`, 'cache-control': 'no-cache' });
  const serve = instrumented(deps.metrics, deps.logger, 'GET', '/dashboard/{file}', async ({ request }) => {
    const pathname = new URL(request.url).pathname;
    // Elysia routes /dashboard and /dashboard/ alike; relative asset URLs need the slash.
    if (!pathname.startsWith(DASHBOARD_PATH)) return toDashboard({ request });
    if (files === undefined || !(await files.exists())) throw notBuilt(files?.root);
    return files.serve(pathname.slice(DASHBOARD_PATH.length), request);
  });
  return new Elysia({ name: 'dashboard-routes' })
    .get(
      '/',
      instrumented(deps.metrics, deps.logger, 'GET', '/', ({ request }) => {
        // /kv/.. is normalised to / before routing: it names the key "..", refused as on every key route.
        const refusal = dotSegmentKeyRefusal(request, deps.keyBytesMax);
        if (refusal !== undefined) throw refusal;
        return toDashboard({ request });
      }),
      hidden,
    )
    .get('/dashboard/', serve, hidden)
    .get('/dashboard/*', serve, hidden);
}
