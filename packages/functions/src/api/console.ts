import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { consolePage, consoleScript } from "../console/page.ts";
import { styles } from "../console/styles.ts";
import type { HttpResponse } from "../http/responses.ts";

/** A CSP hash source for an inline element's exact text. */
const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

// The page runs its own inline script and stylesheet and nothing else (no
// 'unsafe-inline': an injected <script>, handler or style attribute is refused),
// and talks only to this API. Hashes rather than separate app.js and app.css
// responses: the console stays one request, one function and one gzipped body
// within its budget, and, computed here from the very text served (minified
// deployed, as Node strips it locally), they cannot drift from the page.
const headers = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy": [
    "default-src 'none'",
    `script-src ${sha256(consoleScript)}`,
    `style-src ${sha256(styles)}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; "),
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
