import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { HttpResponse } from "../http/responses.ts";

/** A CSP hash source for an inline element's exact text. */
export const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** Whether the client takes gzip (`Accept-Encoding`, unless it gives gzip a q of 0). */
function takesGzip(event: APIGatewayProxyEventV2): boolean {
  const accepted = (event.headers?.["accept-encoding"] ?? "").toLowerCase().split(",");
  return accepted.some((entry) => {
    const [coding, ...params] = entry.trim().split(";");
    return (coding === "gzip" || coding === "*") && !params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param));
  });
}

/**
 * A handler that serves one HTML page under a content security policy,
 * gzipped once per cold start (API Gateway's HTTP API does not compress).
 */
export function htmlPage(page: string, csp: readonly string[], cacheControl = "no-cache") {
  const headers = {
    "content-type": "text/html; charset=utf-8",
    "cache-control": cacheControl,
    "content-security-policy": csp.join("; "),
    "x-content-type-options": "nosniff",
    vary: "accept-encoding",
  };
  const gzipped = gzipSync(page, { level: 9 }).toString("base64");
  return async function servePage(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
    if (!takesGzip(event)) return { statusCode: 200, headers, body: page };
    return {
      statusCode: 200,
      headers: { ...headers, "content-encoding": "gzip" },
      body: gzipped,
      isBase64Encoded: true,
    };
  };
}
