import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { consolePage } from "../console/page.ts";
import type { HttpResponse } from "../http/responses.ts";

const headers = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  // The page runs only its own inline script and talks only to this API.
  "content-security-policy":
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
};

/** GET /console: the DLQ console. The page itself is public; every API call it makes needs the token. */
export async function handler(_event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  return { statusCode: 200, headers, body: consolePage };
}
