// The access rules in the OpenAPI document: one bearer scheme, and on every operation the role it needs
// (from roles.ts, the same function the gate uses, so the document cannot disagree with the node),
// with its 401 and 403 answers. Open operations say `security: []`.

import type { OpenAPIV3 } from 'openapi-types';
import { schemas } from './openapi-schemas';
import { requirementOf } from './roles';

export const securityDocumentation = {
  components: {
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        description:
          'An API token (`swarmkv token create --role read|write|admin`, or the first admin token from $SWARMKV_ADMIN_TOKEN). Checked only by nodes started with an admin token; a node without one (loopback only) is open. Each operation names its role in `x-swarmkv-role`.',
      },
    },
  },
  security: [{ bearerAuth: [] }],
} satisfies Partial<OpenAPIV3.Document>;

const errorContent = { 'application/json': { schema: schemas.Error as unknown as OpenAPIV3.SchemaObject } };

/** The detail of one route with its access rule added. */
export function withAccessRule(method: string, path: string, detail: Record<string, unknown> | undefined): Record<string, unknown> {
  const needed = requirementOf(method.toUpperCase(), path);
  if (needed === 'none') return { ...detail, security: [], 'x-swarmkv-role': 'none' };
  const responses = (detail?.responses ?? {}) as Record<string, unknown>;
  return {
    ...detail,
    security: [{ bearerAuth: [] }],
    'x-swarmkv-role': needed,
    responses: {
      ...responses,
      401: { description: 'No token, or one that is unknown or revoked (`unauthorized`).', content: errorContent },
      403: { description: `The token's role is below \`${needed}\` (\`forbidden\`), or a page of a foreign Origin tried to change state.`, content: errorContent },
    },
  };
}

interface DocumentedRoute {
  readonly method: string;
  readonly path: string;
  readonly hooks: { detail?: Record<string, unknown> };
}

/** Annotates every route the app has, whoever added it; called once the app is complete. */
export function annotateAccessRules(routes: readonly DocumentedRoute[]): void {
  for (const route of routes) {
    if (route.hooks.detail?.hide === true) continue;
    route.hooks.detail = withAccessRule(route.method, route.path, route.hooks.detail);
  }
}
