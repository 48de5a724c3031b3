import { scopesOf } from "@orders/core/domain/caller";
import { type RouteAccess, routeScopes } from "@orders/infra/manifest";
import type { LocalIssuer } from "./local-issuer.ts";

export type AuthorizerVerdict =
  /** Verified: the claims go into the event's request context, as API Gateway puts them. */
  | { outcome: "verified"; claims: Record<string, unknown>; scopes: string[] }
  /** Nothing to check here: a public route, or the static admin token, which the function itself compares. */
  | { outcome: "pass" }
  /** API Gateway's own answer: 401 for no token or a bad one, 403 for a token without the route's scope. */
  | { outcome: "deny"; status: 401 | 403; message: "Unauthorized" | "Forbidden" };

/** Three dot-separated parts, however malformed: anything shaped so is judged as a JWT, never passed on. */
const JWT_SHAPE = /^[^.]*\.[^.]*\.[^.]*$/;

/**
 * The local gateway's JWT authorizer: what API Gateway's does before a
 * function runs. The token comes from `Authorization`, with or without
 * `Bearer`. One local convenience: a bearer that is no JWT at all passes on
 * to the function, which takes it only if it is the static admin token.
 */
export async function authorize(
  access: RouteAccess,
  authorization: string | undefined,
  issuer: LocalIssuer,
): Promise<AuthorizerVerdict> {
  if (access === "public") return { outcome: "pass" };
  const token = authorization?.replace(/^Bearer\s+/i, "").trim();
  if (!token) return { outcome: "deny", status: 401, message: "Unauthorized" };
  if (!JWT_SHAPE.test(token)) return { outcome: "pass" };
  let claims: Record<string, unknown>;
  try {
    claims = await issuer.verify(token);
  } catch {
    return { outcome: "deny", status: 401, message: "Unauthorized" };
  }
  const held = scopesOf(claims);
  const wanted = routeScopes(access);
  if (!wanted.some((scope) => held.includes(scope))) return { outcome: "deny", status: 403, message: "Forbidden" };
  return { outcome: "verified", claims, scopes: held };
}
