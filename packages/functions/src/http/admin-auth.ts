import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareObj, Request } from "@middy/core";
import { ActorSchema, MIN_ADMIN_TOKEN_LENGTH } from "@orders/core/domain/admin";
import { UnauthorizedError } from "@orders/core/domain/errors";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { HttpResponse } from "./responses.ts";

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * Compares in constant time. Hashing first gives both sides the same length,
 * so neither the content nor the length of the token leaks through timing.
 */
export function tokensMatch(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The operator the audit names: the `X-Operator` header when well formed. */
export function actorOf(event: APIGatewayProxyEventV2): string {
  const parsed = ActorSchema.safeParse(event.headers?.["x-operator"]);
  return parsed.success ? parsed.data : "operator";
}

/** Requires `Authorization: Bearer <token>`; anything else is a 401, and so is every request while the token is too short. */
export function adminAuth(options: { token: () => string }): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  return {
    before: async function requireBearerToken(request: Request<APIGatewayProxyEventV2, HttpResponse>) {
      const header = request.event.headers?.authorization ?? "";
      const given = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      const expected = options.token();
      // A caller is told no more than with a wrong token; why goes to the log (httpErrors logs the cause).
      if (expected.length < MIN_ADMIN_TOKEN_LENGTH) {
        throw new UnauthorizedError("A valid admin bearer token is required", {
          cause: new Error(`the configured admin token is shorter than ${MIN_ADMIN_TOKEN_LENGTH} characters`),
        });
      }
      if (!given || !tokensMatch(given, expected)) {
        throw new UnauthorizedError("A valid admin bearer token is required");
      }
    },
  };
}
