import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RouteSpec } from "@orders/infra/manifest";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from "aws-lambda";

/** API Gateway's own limit on a request body. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

const TEXT_TYPES = /^(text\/|application\/([a-z0-9.+-]+\+)?(json|xml)|application\/x-www-form-urlencoded)/i;

export interface MatchedRoute {
  route: RouteSpec;
  pathParameters: Record<string, string>;
}

interface CompiledRoute {
  route: RouteSpec;
  pattern: RegExp;
  names: string[];
}

/** Compiles `{name}` path templates once, for matching requests against them. */
export function routeMatcher(routes: readonly RouteSpec[]): (method: string, path: string) => MatchedRoute | undefined {
  const compiled: CompiledRoute[] = routes.map((route) => {
    const names: string[] = [];
    const source = route.path
      .split("/")
      .map((segment) => {
        const name = /^\{(\w+)\}$/.exec(segment)?.[1];
        if (!name) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        names.push(name);
        return "([^/]+)";
      })
      .join("/");
    return { route, pattern: new RegExp(`^${source}$`), names };
  });
  return (method, path) => {
    for (const { route, pattern, names } of compiled) {
      if (route.method !== method) continue;
      const match = pattern.exec(path);
      if (!match) continue;
      const pathParameters: Record<string, string> = {};
      names.forEach((name, i) => {
        const raw = match[i + 1] ?? "";
        pathParameters[name] = safeDecode(raw);
      });
      return { route, pathParameters };
    }
    return undefined;
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Reads a request body, refusing more than `limit` bytes. */
export async function readBody(request: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<Buffer | "too-large"> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).byteLength;
    if (size > limit) return "too-large";
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Builds the payload-2.0 event API Gateway's HTTP API would send: lower-cased
 * headers joined with commas, cookies apart, query values joined with commas,
 * and a binary body base64-encoded.
 */
export function toApiEvent(request: IncomingMessage, body: Buffer, matched: MatchedRoute): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? "/", "http://localhost");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === "cookie") continue;
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const cookies = request.headers.cookie?.split(";").map((cookie) => cookie.trim());
  const isText = TEXT_TYPES.test(headers["content-type"] ?? "text/plain");
  const routeKey = `${matched.route.method} ${matched.route.path}`;
  const now = new Date();
  return {
    version: "2.0",
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(cookies ? { cookies } : {}),
    ...(url.search ? { queryStringParameters: query } : {}),
    ...(Object.keys(matched.pathParameters).length ? { pathParameters: matched.pathParameters } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: "local",
      http: {
        method: request.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey,
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: body.byteLength > 0 && !isText,
    ...(body.byteLength > 0 ? { body: isText ? body.toString("utf8") : body.toString("base64") } : {}),
  };
}

/** Writes a handler's result the way API Gateway would. */
export function writeResult(response: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (typeof result === "string" || result === null || typeof result !== "object" || !("statusCode" in result)) {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(typeof result === "string" ? result : JSON.stringify(result));
    return;
  }
  const headers: Record<string, string | number | boolean | string[]> = { ...(result.headers ?? {}) };
  if (result.cookies?.length) headers["set-cookie"] = result.cookies;
  response.writeHead(result.statusCode ?? 200, headers as Record<string, string>);
  const body = result.body ?? "";
  response.end(result.isBase64Encoded ? Buffer.from(body, "base64") : body);
}

/**
 * Puts a verified token's claims where API Gateway's JWT authorizer puts
 * them, `requestContext.authorizer.jwt`, and as it hands them on: every value
 * a string, a list as `[a b]`.
 */
export function withClaims(event: APIGatewayProxyEventV2, claims: Record<string, unknown>, scopes: string[]): void {
  const asGiven = (value: unknown): string =>
    Array.isArray(value)
      ? `[${value.map(asGiven).join(" ")}]`
      : typeof value === "object" && value !== null
        ? JSON.stringify(value)
        : String(value);
  const flattened = Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, asGiven(value)]));
  Object.assign(event.requestContext, { authorizer: { jwt: { claims: flattened, scopes } } });
}

/** The error envelope's code of each of the gateway's own answers. */
const GATEWAY_ERROR_CODES = {
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "ROUTE_NOT_FOUND",
  413: "PAYLOAD_TOO_LARGE",
  500: "INTERNAL",
  504: "GATEWAY_TIMEOUT",
} as const;

/**
 * API Gateway's own answers: no route, a refused token, or no handler that
 * can answer. In the API's error envelope, with API Gateway's `message`.
 */
export function writeGatewayError(
  response: ServerResponse,
  status: 401 | 403 | 404 | 413 | 500 | 504,
  message: string,
): void {
  response.writeHead(status, {
    "content-type": "application/json",
    ...(status === 401 ? { "www-authenticate": "Bearer" } : {}),
  });
  response.end(JSON.stringify({ error: GATEWAY_ERROR_CODES[status], message }));
}
