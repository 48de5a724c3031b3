import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { openApiDocument } from "../http/openapi.ts";
import { type HttpResponse, json } from "../http/responses.ts";

const document = openApiDocument();

/** GET /openapi.json: the API document, generated from the zod schemas. */
export async function handler(_event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  return json(200, document, { "cache-control": "public, max-age=300" });
}
