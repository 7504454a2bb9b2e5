// OpenAPI descriptions of the token routes (admin only).

import { Type } from '@sinclair/typebox';
import { responses, jsonRequestBody, schemas } from './openapi-schemas';
import { ROLES } from './roles';

const Role = Type.Union(ROLES.map((role) => Type.Literal(role)), { description: '`read`: GET routes; `write`: also PUT, POST, DELETE of keys; `admin`: also cluster operations and tokens.' });
const TokenInfo = Type.Object({
  id: Type.String({ description: 'The first 16 hex digits of the token’s SHA-256: names it in `token ls` and `token revoke`.' }),
  role: Role,
  label: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const tokenDocs = {
  access: {
    summary: 'What the caller may do here',
    description: 'Needs no token. `enforcing`: whether this node checks tokens; `role`: what the sent token (if any) grants, `admin` on a node that checks none, null for no token or an unknown one.',
    tags: ['tokens'],
    responses: responses({ 200: ['The caller’s access.', Type.Object({ enforcing: Type.Boolean(), role: Type.Union([Role, Type.Null()]) })] }),
  },
  create: {
    summary: 'Create an API token',
    description: 'The token is in the answer once and never again: the cluster keeps only its SHA-256. It works on every node at once.',
    tags: ['tokens'],
    requestBody: jsonRequestBody(Type.Object({ role: Role, label: Type.Optional(Type.String()) }), '`{"role": "read"|"write"|"admin", "label"?: string}`'),
    responses: responses({
      201: ['The new token, with `token` shown this once.', Type.Composite([TokenInfo, Type.Object({ token: Type.String() })])],
      400: ['A missing or unknown role, or a label too long.', schemas.Error],
      409: ['The cluster holds the most tokens it may.', schemas.Error],
    }),
  },
  list: {
    summary: 'List API tokens (ids, roles, labels; never the tokens)',
    tags: ['tokens'],
    responses: responses({ 200: ['Every live token of the cluster.', Type.Object({ tokens: Type.Array(TokenInfo) })] }),
  },
  revoke: {
    summary: 'Revoke an API token',
    description: 'Every node refuses it within 2 s (each caches what it learnt about a token that long).',
    tags: ['tokens'],
    parameters: [{ name: 'id', in: 'path' as const, required: true, description: 'The token’s id, as `token ls` shows it.', schema: { type: 'string' as const } }],
    responses: responses({ 204: ['Revoked.'], 404: ['No token with this id.', schemas.Error] }),
  },
};
