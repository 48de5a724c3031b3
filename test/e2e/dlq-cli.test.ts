import { spawnSync } from "node:child_process";
import { anOrder, uniqueOrderId } from "@orders/harness/factories";
import { postOrders, type RunningSystem, startSystem, waitUntil } from "@orders/harness/local-system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAdminCli } from "../helpers/admin-cli.ts";

const TOKEN = "cli-test-token-93b1";
let system: RunningSystem;
const orders = [anOrder({ id: uniqueOrderId("cli") }), anOrder({ id: uniqueOrderId("cli") })];

const dlq = (...args: string[]) => runAdminCli("dlq", system, TOKEN, args);

beforeAll(async () => {
  system = await startSystem(["--in-memory"], { ORDERS_ADMIN_TOKEN: TOKEN, ORDERS_FAULTS: "DynamoDB:PutItem" });
  await postOrders(system, orders, TOKEN);
  // The depth is for operators: the public /health does not show it (#16).
  const depth = async () =>
    (await (await fetch(`${system.url}/admin/dlq/depth`, { headers: { authorization: `Bearer ${TOKEN}` } })).json())
      .depth;
  await waitUntil(async () => (await depth()) === 2);
  await fetch(`${system.url}/_local/faults`, { method: "PUT", body: JSON.stringify({ rules: [] }) });
});
afterAll(async () => {
  await system?.stop();
});

describe("npm run dlq", () => {
  it("lists the dead letters with their reason", () => {
    const { code, stdout } = dlq("list");
    expect(code).toBe(0);
    expect(stdout).toContain("DLQ depth 2");
    for (const order of orders) expect(stdout).toMatch(new RegExp(`${order.id}\\s+TABLE_UNAVAILABLE ×3`));
  });

  it("refuses to run without a token, and says how to get one", () => {
    const result = spawnSync(process.execPath, ["scripts/dlq.ts", "list"], {
      encoding: "utf8",
      env: { ...process.env, ORDERS_API_URL: system.url, ORDERS_ADMIN_TOKEN: "" },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("ORDERS_ADMIN_TOKEN");
  });

  it("redrives everything with a progress display, and every order gets recorded once", async () => {
    const { code, stdout, stderr } = dlq("redrive", "--all", "--rate", "20");
    expect(code).toBe(0);
    expect(stdout).toContain("2 redriven, 0 not");
    expect(stderr).toContain("2/2");
    const asOperator = { headers: { authorization: `Bearer ${TOKEN}` } };
    for (const order of orders) {
      await waitUntil(async () => (await fetch(`${system.url}/orders/${order.id}`, asOperator)).status === 200);
      const body = await (await fetch(`${system.url}/orders/${order.id}`, asOperator)).json();
      expect(body.duplicates).toEqual([]);
    }
    expect(dlq("audit").stdout.match(/REDRIVE/g)).toHaveLength(2);
  });
});
