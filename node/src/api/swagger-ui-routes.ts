// Swagger UI at /swagger, served entirely by the node: its assets come from the pinned swagger-ui-dist
// package (node_modules, beside the bundle), so the page works offline and cannot change under us.
// @elysiajs/swagger generates the OpenAPI document at /swagger/json; its own /swagger page loads the
// UI from a CDN, so this plugin is mounted after it and its GET /swagger replaces that page.

import { Elysia } from 'elysia';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { FastResponse } from 'srvx';
import { SwarmError } from '../errors';
import type { Logger } from '../log';
import type { HttpMetrics } from './http-metrics';
import { instrumented } from './instrumented';
import { StaticFiles } from './static-files';

export const SWAGGER_UI_ASSETS_PATH = '/swagger/ui/';

/** The package's files the page uses (and their source maps); nothing else of the package is served. */
const SERVED_ASSETS = new Set(['swagger-ui.css', 'swagger-ui.css.map', 'swagger-ui-bundle.js', 'swagger-ui-bundle.js.map', 'favicon-16x16.png', 'favicon-32x32.png']);

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>swarmkv REST API</title>
  <link rel="stylesheet" href="${SWAGGER_UI_ASSETS_PATH}swagger-ui.css">
  <link rel="icon" type="image/png" href="${SWAGGER_UI_ASSETS_PATH}favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${SWAGGER_UI_ASSETS_PATH}swagger-ui-bundle.js"></script>
  <script src="${SWAGGER_UI_ASSETS_PATH}init.js"></script>
</body>
</html>
`;

/** validatorUrl null: the default sends the document to validator.swagger.io, off this machine. */
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({ url: '/swagger/json', dom_id: '#swagger-ui', validatorUrl: null, deepLinking: true });\n`;

/** The installed swagger-ui-dist folder, found the way Node finds the bundle's other packages. */
function swaggerUiFolder(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  } catch {
    return undefined;
  }
}

export interface SwaggerUiRoutesDeps {
  readonly metrics: HttpMetrics;
  readonly logger: Logger;
}

export function swaggerUiRoutes(deps: SwaggerUiRoutesDeps) {
  const folder = swaggerUiFolder();
  const assets = folder === undefined ? undefined : new StaticFiles(folder);
  const hidden = { detail: { hide: true } };
  const text = (body: string, contentType: string) => new FastResponse(body, { status: 200, headers: { 'content-type': contentType, 'cache-control': 'no-cache' } });
  return new Elysia({ name: 'swagger-ui-routes' })
    .get('/swagger', instrumented(deps.metrics, deps.logger, 'GET', '/swagger', () => text(PAGE, 'text/html; charset=utf-8')), hidden)
    .get(
      `${SWAGGER_UI_ASSETS_PATH}*`,
      instrumented(deps.metrics, deps.logger, 'GET', '/swagger/ui/{file}', ({ request }) => {
        const file = new URL(request.url).pathname.slice(SWAGGER_UI_ASSETS_PATH.length);
        if (file === 'init.js') return text(INIT_SCRIPT, 'text/javascript; charset=utf-8');
        if (!SERVED_ASSETS.has(file)) throw new SwarmError('not_found', `no Swagger UI asset ${JSON.stringify(file)}`);
        if (assets === undefined) throw new SwarmError('not_found', 'the swagger-ui-dist package is not installed beside this node');
        return assets.serve(file, request);
      }),
      hidden,
    );
}
