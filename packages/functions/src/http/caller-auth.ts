import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareObj, Request } from "@middy/core";
import { MIN_ADMIN_TOKEN_LENGTH } from "@orders/core/domain/admin";
import { type Caller, callerFromClaims } from "@orders/core/domain/caller";
import { ForbiddenError, UnauthorizedError } from "@orders/core/domain/errors";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { HttpResponse } from "./responses.ts";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** The subject an operator has in the audit when it used the static admin token rather than a token of its own. */
export const ADMIN_TOKEN_SUBJECT = "admin-token";

/**
 * Compares in constant time. Hashing first gives both sides the same length,
 * so neither the content nor the length of the token leaks through timing.
 */
export function tokensMatch(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** Who may call a route that needs a caller: anyone signed in, or operators only. */
export type CallerAccess = "caller" | "operator";

type JwtEvent = APIGatewayProxyEventV2 & {
  requestContext: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
};

const callers = new WeakMap<APIGatewayProxyEventV2, Caller>();

/** The caller `authenticate` found for this request. */
export function callerOf(event: APIGatewayProxyEventV2): Caller {
  const caller = callers.get(event);
  if (!caller) throw new Error("no caller: the route does not use authenticate()");
  return caller;
}

/** The name the audit gives an operator's action: its token's subject. */
export function actorOf(event: APIGatewayProxyEventV2): string {
  return callerOf(event).subject;
}

/**
 * Finds who is calling. A JWT was verified before the function ran (API
 * Gateway's JWT authorizer deployed, the local gateway offline), which puts
 * its claims in the request context; the static admin token, compared here,
 * stands for an operator. Anything else is a 401; a caller of the wrong kind
 * for the route a 403. The configured admin token, when too short, opens nothing.
 */
export function authenticate(options: {
  access: CallerAccess;
  token: () => string;
}): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  return {
    before: async function requireCaller(request: Request<APIGatewayProxyEventV2, HttpResponse>) {
      const caller = fromClaims(request.event) ?? fromAdminToken(request.event, options.token());
      if (options.access === "operator" && caller.kind !== "operator") {
        throw new ForbiddenError("This route is for operators");
      }
      callers.set(request.event, caller);
    },
  };
}

function fromClaims(event: APIGatewayProxyEventV2): Caller | undefined {
  const claims = (event as JwtEvent).requestContext?.authorizer?.jwt?.claims;
  if (!claims) return undefined;
  const caller = callerFromClaims(claims);
  if (!caller) throw new ForbiddenError("The token names no customer account, channel or operator scope");
  return caller;
}

function fromAdminToken(event: APIGatewayProxyEventV2, expected: string): Caller {
  const header = event.headers?.authorization ?? "";
  const given = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  // A caller is told no more than with a wrong token; why goes to the log (httpErrors logs the cause).
  if (expected.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new UnauthorizedError("A valid bearer token is required", {
      cause: new Error(`the configured admin token is shorter than ${MIN_ADMIN_TOKEN_LENGTH} characters`),
    });
  }
  if (!given || !tokensMatch(given, expected)) throw new UnauthorizedError("A valid bearer token is required");
  return { kind: "operator", subject: ADMIN_TOKEN_SUBJECT };
}
