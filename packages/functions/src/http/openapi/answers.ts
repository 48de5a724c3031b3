import { ErrorBodySchema } from "../contract.ts";
import { jsonContent } from "./schemas.ts";

/** Headers the API sends or reads, defined once and referred to by name. */
export const HEADERS = {
  RetryAfter: {
    description: "Seconds to wait before retrying",
    schema: { type: "integer", minimum: 0 },
  },
  Location: { description: "Where to read the order", schema: { type: "string" } },
  IdempotentReplayed: {
    description: "`true` when this is the stored answer to an earlier request with the same Idempotency-Key",
    schema: { type: "string", enum: ["true"] },
  },
  WwwAuthenticate: { description: "`Bearer`", schema: { type: "string" } },
} as const;

export type HeaderName = keyof typeof HEADERS;

const headerRefs = (names: readonly HeaderName[]) =>
  names.length ? { headers: Object.fromEntries(names.map((name) => [headerName(name), headerRef(name)])) } : {};
const headerRef = (name: HeaderName) => ({ $ref: `#/components/headers/${name}` });
/** The header as sent: RetryAfter → Retry-After. */
export const headerName = (name: HeaderName) =>
  name === "WwwAuthenticate" ? "WWW-Authenticate" : name.replace(/(?<=[a-z])(?=[A-Z])/g, "-");

/** An answer in the error envelope, with the headers it carries. */
export const error = (description: string, headers: readonly HeaderName[] = []) => ({
  description,
  ...headerRefs(headers),
  content: jsonContent(ErrorBodySchema),
});

/** A successful answer of a registered schema, or of any JSON object when none is registered. */
export const answer = (
  description: string,
  content: ReturnType<typeof jsonContent> | "object" | "html",
  headers: readonly HeaderName[] = [],
) => ({
  description,
  ...headerRefs(headers),
  ...(content === "html"
    ? { content: { "text/html": { schema: { type: "string" } } } }
    : { content: content === "object" ? { "application/json": { schema: { type: "object" } } } : content }),
});

/** The token's refusals, on every route that needs a caller. */
export const authRefusals = {
  "401": error("UNAUTHORIZED: no bearer token, or one that is invalid or expired", ["WwwAuthenticate"]),
  "403": error("FORBIDDEN: the token names no caller, or a caller who may not do this"),
};

/** The JSON body middleware's refusals (http/middleware.ts jsonBody), for a body of at most `maxBytes`. */
export const bodyRefusals = (maxBytes: number) => ({
  "400": error("INVALID_JSON or BODY_NOT_OBJECT, or a body its schema refuses"),
  "413": error(`PAYLOAD_TOO_LARGE: the body is over ${maxBytes / 1024} KB`),
  "415": error("UNSUPPORTED_MEDIA_TYPE: Content-Type is not application/json"),
});

/** A linked AWS resource failed (DependencyError): errors.ts asks for a retry after a few seconds. */
export const unavailable = (what: string) => ({
  "503": error(`DEPENDENCY_UNAVAILABLE: ${what} is unavailable; retry`, ["RetryAfter"]),
});

/**
 * Every route is throttled ([Limits] in the README): the gateway may answer
 * 429 before any function runs.
 */
export const throttled = {
  "429": {
    description:
      'Past the route\'s throttle. Locally RATE_LIMITED with Retry-After; deployed, API Gateway\'s own {"message":"Too Many Requests"}',
    headers: { "Retry-After": headerRef("RetryAfter") },
    content: { "application/json": { schema: { type: "object" } } },
  },
};
