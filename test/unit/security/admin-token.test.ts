import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import middy from "@middy/core";
import { MIN_ADMIN_TOKEN_LENGTH } from "@orders/core/domain/admin";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { authenticate } from "../../../packages/functions/src/http/caller-auth.ts";
import { httpErrors } from "../../../packages/functions/src/http/middleware.ts";
import { json } from "../../../packages/functions/src/http/responses.ts";

// The admin token could be a single character (#16): a guessable token opened every admin route.
const routeWith = (token: string) =>
  middy<APIGatewayProxyEventV2, { statusCode: number }>()
    .use(httpErrors({ logger: new Logger({ logLevel: "SILENT" }) }))
    .use(authenticate({ access: "operator", token: () => token }))
    .handler(async () => json(200, { ok: true }));
const call = (token: string, bearer: string) =>
  routeWith(token)(
    { headers: { authorization: `Bearer ${bearer}` } } as unknown as APIGatewayProxyEventV2,
    {} as never,
  );

describe("the admin token", () => {
  it("opens the admin routes when it is long enough and matches", async () => {
    const token = "x".repeat(MIN_ADMIN_TOKEN_LENGTH);
    expect((await call(token, token)).statusCode).toBe(200);
    expect((await call(token, `${token}y`)).statusCode).toBe(401);
  });

  it("opens nothing while it is set shorter than the minimum, even to a caller who sends it", async () => {
    const short = "x".repeat(MIN_ADMIN_TOKEN_LENGTH - 1);
    expect((await call(short, short)).statusCode).toBe(401);
    expect((await call("a", "a")).statusCode).toBe(401);
  });

  it("is refused by npm start when ORDERS_ADMIN_TOKEN is too short, before anything starts", () => {
    const root = join(import.meta.dirname, "../../..");
    const started = spawnSync(process.execPath, ["packages/local/src/main.ts", "--in-memory"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, ORDERS_ADMIN_TOKEN: "short", PORT: "0" },
      timeout: 30_000,
    });
    expect(started.status).toBe(1);
    expect(started.stderr).toContain(`ORDERS_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
  });
});
