import { gzipSync } from "node:zlib";
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
  vary: "accept-encoding",
};

// API Gateway's HTTP API does not compress: the page is gzipped once per cold start, here.
const gzipped = gzipSync(consolePage, { level: 9 }).toString("base64");

/** Whether the client takes gzip (`Accept-Encoding`, unless it gives gzip a q of 0). */
function takesGzip(event: APIGatewayProxyEventV2): boolean {
  const accepted = (event.headers?.["accept-encoding"] ?? "").toLowerCase().split(",");
  return accepted.some((entry) => {
    const [coding, ...params] = entry.trim().split(";");
    return (coding === "gzip" || coding === "*") && !params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param));
  });
}

/** GET /console: the operations console. The page itself is public; every admin call it makes needs the token. */
export async function handler(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  if (!takesGzip(event)) return { statusCode: 200, headers, body: consolePage };
  return { statusCode: 200, headers: { ...headers, "content-encoding": "gzip" }, body: gzipped, isBase64Encoded: true };
}
