import * as z from 'zod';
import { nearestName } from '../../lambdas/commons/config/config';

interface JsonSchemaNode {
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  additionalProperties?: JsonSchemaNode | boolean;
}

const jsonSchemas = new WeakMap<z.ZodType, JsonSchemaNode>();

/**
 * `unknown field acessKeys; did you mean accessKeys?`: a typo in a scenario is named with the field
 * it is a typo of, as a config key is, from the fields the schema allows at that place.
 */
export function unknownFieldsMessage(
  schema: z.ZodType,
  keys: readonly string[],
  at: readonly PropertyKey[],
): string {
  const known = fieldsAt(schema, at);
  return keys
    .map((key) => {
      const nearest = nearestName(key, known);
      return `unknown field ${key}${nearest ? `; did you mean ${nearest}?` : `; the fields here are: ${known.join(', ')}`}`;
    })
    .join('; ');
}

/** The fields `schema` allows at `path` (`users[0]`: a user's), read from its JSON Schema. */
function fieldsAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: JsonSchemaNode | undefined = jsonSchemaOf(schema);
  for (const key of path) {
    const next: JsonSchemaNode | boolean | undefined =
      typeof key === 'number' ? node?.items : (node?.properties?.[String(key)] ?? node?.additionalProperties);
    node = typeof next === 'object' ? next : undefined;
  }
  return Object.keys(node?.properties ?? {});
}

function jsonSchemaOf(schema: z.ZodType): JsonSchemaNode {
  let json = jsonSchemas.get(schema);
  if (!json) {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
    jsonSchemas.set(schema, json);
  }
  return json;
}
