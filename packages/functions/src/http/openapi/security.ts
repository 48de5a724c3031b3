import { ACCOUNT_CLAIM, SCOPE_OF } from "@orders/core/domain/caller";

/** Who may call a route, as the manifest's `access` says: anyone, any signed-in caller, or operators. */
export type Access = "public" | "caller" | "operator";

/**
 * A caller's JWT (a customer, channel or operator; operators only where the
 * route needs the operator scope), or the static admin token, which stands
 * for an operator (locally; deployed, API Gateway takes JWTs only).
 */
export const SECURITY: Record<Access, { callerToken?: string[]; adminToken?: string[] }[] | undefined> = {
  public: undefined,
  caller: [{ callerToken: [] }, { adminToken: [] }],
  operator: [{ callerToken: [SCOPE_OF.operator] }, { adminToken: [] }],
};

export const securitySchemes = {
  callerToken: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "A JWT from the stage's issuer (deployed: API Gateway's JWT authorizer checks issuer, audience and expiry; " +
      `locally: npm run token). Its scope names the caller: ${SCOPE_OF.customer} (with an ${ACCOUNT_CLAIM} ` +
      `claim: the customer's account), ${SCOPE_OF.channel} or ${SCOPE_OF.operator}; sub names who it is`,
  },
  adminToken: {
    type: "http",
    scheme: "bearer",
    description: "The static admin token, ORDERS_ADMIN_TOKEN: an operator, locally only",
  },
} as const;
