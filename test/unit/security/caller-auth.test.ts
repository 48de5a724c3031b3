import { Logger } from "@aws-lambda-powertools/logger";
import middy from "@middy/core";
import type { Caller } from "@orders/core/domain/caller";
import { apiEvent, claimsOf } from "@orders/harness/factories";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import {
  ADMIN_TOKEN_SUBJECT,
  actorOf,
  authenticate,
  type CallerAccess,
  callerOf,
} from "../../../packages/functions/src/http/caller-auth.ts";
import { httpErrors } from "../../../packages/functions/src/http/middleware.ts";
import { json } from "../../../packages/functions/src/http/responses.ts";

const ADMIN_TOKEN = "admin-token-for-tests-0123";

function route(access: CallerAccess) {
  return middy<APIGatewayProxyEventV2, { statusCode: number; body?: string }>()
    .use(httpErrors({ logger: new Logger({ logLevel: "SILENT" }) }))
    .use(authenticate({ access, token: () => ADMIN_TOKEN }))
    .handler(async (event) => json(200, { caller: callerOf(event), actor: actorOf(event) }));
}

const call = async (access: CallerAccess, event: APIGatewayProxyEventV2) => {
  const result = await route(access)(event, {} as never);
  return { status: result.statusCode, body: JSON.parse(result.body ?? "{}") };
};

const withCaller = (caller: Caller | null, headers: Record<string, string> = {}) =>
  apiEvent({ method: "GET", path: "/x", headers, caller });

const alice: Caller = { kind: "customer", subject: "alice", account: "1111111" };
const atm: Caller = { kind: "channel", subject: "atm-network" };
const ops: Caller = { kind: "operator", subject: "ops@example.com" };

describe("authenticate", () => {
  it.each([alice, atm, ops])("takes a caller route's caller from the verified claims: %j", async (caller) => {
    expect(await call("caller", withCaller(caller))).toEqual({ status: 200, body: { caller, actor: caller.subject } });
  });

  it.each([alice, atm])("refuses a %j on an operator route with 403", async (caller) => {
    const { status, body } = await call("operator", withCaller(caller));
    expect(status).toBe(403);
    expect(body.error).toBe("FORBIDDEN");
  });

  it("names an operator by its token's subject in the audit, whatever X-Operator says", async () => {
    const event = withCaller(ops, { "x-operator": "somebody else" });
    expect((await call("operator", event)).body.actor).toBe("ops@example.com");
  });

  it("takes the static admin token for an operator named admin-token", async () => {
    const event = withCaller(null, { authorization: `Bearer ${ADMIN_TOKEN}`, "x-operator": "alice" });
    const { status, body } = await call("caller", event);
    expect(status).toBe(200);
    expect(body.caller).toEqual({ kind: "operator", subject: ADMIN_TOKEN_SUBJECT });
  });

  it.each([
    ["no credential", {}],
    ["a wrong bearer", { authorization: "Bearer not-the-token-at-all" }],
    ["a basic credential", { authorization: `Basic ${ADMIN_TOKEN}` }],
  ])("answers %s with 401 and a challenge", async (_name, headers) => {
    const result = await route("caller")(withCaller(null, headers), {} as never);
    expect(result.statusCode).toBe(401);
    expect(JSON.parse(result.body ?? "{}").error).toBe("UNAUTHORIZED");
  });

  it.each([
    ["no role scope", { sub: "x" }],
    ["two role scopes", { sub: "x", scope: "orders:customer orders:operator", account: "1111111" }],
    ["a customer scope without an account", { sub: "x", scope: "orders:customer" }],
    ["a malformed account", { sub: "x", scope: "orders:customer", account: "../1" }],
    ["no subject", { scope: "orders:operator" }],
  ])("refuses verified claims with %s: 403, they name no caller", async (_name, claims) => {
    const event = withCaller(null);
    (event.requestContext as unknown as Record<string, unknown>).authorizer = { jwt: { claims, scopes: null } };
    expect((await call("caller", event)).status).toBe(403);
  });

  it("reads an scp list as API Gateway hands it on, one bracketed string", async () => {
    const event = withCaller(null);
    const claims = { sub: "ops", scp: "[orders:operator email]" };
    (event.requestContext as unknown as Record<string, unknown>).authorizer = { jwt: { claims, scopes: null } };
    expect((await call("operator", event)).status).toBe(200);
  });

  it("reads an scp list as some issuers write the scopes", async () => {
    const event = withCaller(null);
    const claims = { ...claimsOf(ops), scope: undefined, scp: ["orders:operator"] };
    (event.requestContext as unknown as Record<string, unknown>).authorizer = { jwt: { claims, scopes: null } };
    expect((await call("operator", event)).status).toBe(200);
  });
});
