import type * as z from "zod/mini";
import { authRefusals, bodyRefusals, throttled, unavailable } from "./answers.ts";
import { jsonContent } from "./schemas.ts";
import { type Access, SECURITY } from "./security.ts";

export interface OperationSpec {
  operationId: string;
  summary: string;
  /** As the route's `access` in the manifest. */
  access: Access;
  /** The JSON body the handler parses, and the size its middleware allows. */
  body?: { schema: z.ZodMiniType; maxBytes: number };
  parameters?: unknown[];
  /** The answers particular to this route; the shared ones below are added. */
  responses: Record<string, unknown>;
  /** What a 503 names, on a route that calls AWS. */
  dependency?: string;
}

/**
 * One operation: its own answers, and the ones its traits imply: the token's
 * refusals on a route that needs one, the body's on a route that takes one,
 * 503 where it calls AWS, and 429 everywhere (every route is throttled).
 */
export function operation(spec: OperationSpec) {
  const security = SECURITY[spec.access];
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(security ? { security } : {}),
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    ...(spec.body ? { requestBody: { required: true, content: jsonContent(spec.body.schema) } } : {}),
    responses: {
      ...(spec.body ? bodyRefusals(spec.body.maxBytes) : {}),
      ...(security ? authRefusals : {}),
      ...(spec.dependency ? unavailable(spec.dependency) : {}),
      ...throttled,
      ...spec.responses,
    },
  };
}
