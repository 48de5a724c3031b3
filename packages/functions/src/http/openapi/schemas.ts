import { DiscardRequestSchema, EditRequestSchema, RedriveRequestSchema } from "@orders/core/domain/admin";
import * as z from "zod/mini";
import { ErrorBodySchema } from "../contract.ts";

/**
 * The zod schemas in the document: the contract's register themselves (with
 * their ids) in zod's global registry when contract.ts is imported; the DLQ
 * admin API's request bodies, which the core keeps unregistered, are named here.
 */
for (const [schema, id] of [
  [RedriveRequestSchema, "RedriveRequest"],
  [EditRequestSchema, "EditRequest"],
  [DiscardRequestSchema, "DiscardRequest"],
] as const) {
  if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id });
}

const COMPONENT = "#/components/schemas/";
const OPTIONS = { target: "draft-2020-12", io: "input", unrepresentable: "any" } as const;

type JsonSchema = Record<string, unknown>;

/**
 * Every registered schema as a component. An OpenAPI component is named by
 * where it sits, so no `$id`: zod would make one of the `uri` below, and a
 * `$id` with a fragment is invalid JSON Schema 2020-12 (openapi-spec-validator
 * refused all of them). `uri` only makes the `$ref`s between components.
 */
export function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, { ...OPTIONS, uri: (id) => `${COMPONENT}${id}` });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _, $id: __, id: ___, ...schema }]) => [id, schema]),
  );
}

/** A `$ref` to a registered schema's component. */
export function ref(schema: z.ZodMiniType): { $ref: string } {
  const id = z.globalRegistry.get(schema)?.id;
  if (!id) throw new Error("ref: the schema is not registered with an id");
  return { $ref: `${COMPONENT}${id}` };
}

/** A JSON body of a registered schema. */
export const jsonContent = (schema: z.ZodMiniType) => ({ "application/json": { schema: ref(schema) } });

/** An unregistered schema inline (a path or query parameter, as the handler parses it). */
export function inline(schema: z.ZodMiniType): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, OPTIONS) as JsonSchema;
  return rest;
}

/** A path parameter, with the schema its handler parses it with. */
export function pathParameter(name: string, schema: z.ZodMiniType) {
  return { name, in: "path", required: true, schema: inline(schema) };
}

/** One query parameter per property of the object schema a handler parses its query string with. */
export function queryParameters(schema: z.ZodMiniType, descriptions: Record<string, string> = {}) {
  const { properties = {}, required = [] } = inline(schema) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: "query",
    required: required.includes(name) && !("default" in property),
    ...(descriptions[name] ? { description: descriptions[name] } : {}),
    schema: property,
  }));
}

export { ErrorBodySchema };
