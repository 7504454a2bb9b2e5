// Checks a response the node actually sent against what its own OpenAPI document promises: the status
// is documented for that operation, and a JSON body fits the documented schema (types, required
// fields, properties, items, anyOf, const). Deliberately small: enough JSON Schema for our documents.

type Schema = Record<string, any>;

const DEPTH_MAX = 32;

function resolve(spec: Schema, schema: Schema): Schema {
  if (typeof schema.$ref !== 'string') return schema;
  const path = (schema.$ref as string).replace(/^#\//, '').split('/');
  let target: any = spec;
  for (const part of path) target = target?.[part];
  if (target === undefined) throw new Error(`unresolvable $ref ${schema.$ref}`);
  return target as Schema;
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

/** Problems found fitting `value` to `schema`, each naming where; empty when it fits. */
export function schemaProblems(spec: Schema, schemaOrRef: Schema, value: unknown, where = '$', depth = 0): string[] {
  if (depth > DEPTH_MAX) return [`${where}: schema nested too deep`];
  const schema = resolve(spec, schemaOrRef);
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives !== undefined && !alternatives.some((alternative) => schemaProblems(spec, alternative, value, where, depth + 1).length === 0)) {
    return [`${where}: ${JSON.stringify(value)} fits none of the alternatives`];
  }
  if ('const' in schema && schema.const !== value) return [`${where}: expected ${JSON.stringify(schema.const)}`];
  const types: string[] | undefined = schema.type === undefined ? undefined : [schema.type].flat();
  if (types !== undefined && !types.some((type) => typeMatches(type, value))) return [`${where}: expected ${types.join('|')}, got ${JSON.stringify(value)}`];
  const problems: string[] = [];
  if (typeMatches('object', value)) {
    const record = value as Record<string, unknown>;
    for (const name of (schema.required ?? []) as string[]) if (!(name in record)) problems.push(`${where}.${name}: required but missing`);
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
      if (name in record) problems.push(...schemaProblems(spec, property, record[name], `${where}.${name}`, depth + 1));
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, index) => problems.push(...schemaProblems(spec, schema.items, item, `${where}[${index}]`, depth + 1)));
  }
  return problems;
}

/** Problems with one observed exchange: `template` is the documented path, e.g. `/kv/{key}`. */
export function responseProblems(spec: Schema, method: string, template: string, status: number, body: unknown): string[] {
  const operation = spec.paths?.[template]?.[method.toLowerCase()];
  if (operation === undefined) return [`${method} ${template}: not documented`];
  const response = operation.responses?.[String(status)];
  if (response === undefined) return [`${method} ${template}: status ${status} not documented (documented: ${Object.keys(operation.responses ?? {}).join(', ')})`];
  const schema = response.content?.['application/json']?.schema;
  if (schema === undefined) return [];
  return schemaProblems(spec, schema, body).map((problem) => `${method} ${template} ${status}: ${problem}`);
}
