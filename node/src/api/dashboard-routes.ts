// The dashboard: static files built into dist/dashboard/ (by dashboard/build.ts), served by every node
// at /dashboard/, with `GET /` leading there. Not part of the API, so hidden from the OpenAPI document.

import { Elysia } from 'elysia';
import { SwarmError } from '../errors';
import type { Logger } from '../log';
import type { HttpMetrics } from './http-metrics';
import { instrumented } from './instrumented';
import { emptyResponse } from './responses';
import { StaticFiles } from './static-files';

export const DASHBOARD_PATH = '/dashboard/';

export interface DashboardRoutesDeps {
  /** The built dashboard's folder (absolute), or undefined when this process has none to serve. */
  readonly dashboardDir: string | undefined;
  readonly metrics: HttpMetrics;
  readonly logger: Logger;
}

const hidden = { detail: { hide: true } } as const;

function notBuilt(where: string | undefined): SwarmError {
  const detail = where === undefined ? 'this node was not started from a build that has one' : `${where} does not exist`;
  return new SwarmError('not_found', `the dashboard was not built (${detail}); run \`bun run build\``, { reason: 'dashboard_not_built' });
}

export function dashboardRoutes(deps: DashboardRoutesDeps) {
  const files = deps.dashboardDir === undefined ? undefined : new StaticFiles(deps.dashboardDir);
  const toDashboard = () => emptyResponse(302, { location: DASHBOARD_PATH, 'cache-control': 'no-cache' });
  const serve = instrumented(deps.metrics, deps.logger, 'GET', '/dashboard/{file}', async ({ request }) => {
    const pathname = new URL(request.url).pathname;
    // Elysia routes /dashboard and /dashboard/ alike; relative asset URLs need the slash.
    if (!pathname.startsWith(DASHBOARD_PATH)) return toDashboard();
    if (files === undefined || !(await files.exists())) throw notBuilt(files?.root);
    return files.serve(pathname.slice(DASHBOARD_PATH.length), request);
  });
  return new Elysia({ name: 'dashboard-routes' })
    .get('/', instrumented(deps.metrics, deps.logger, 'GET', '/', toDashboard), hidden)
    .get('/dashboard/', serve, hidden)
    .get('/dashboard/*', serve, hidden);
}
