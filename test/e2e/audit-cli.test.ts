import { anOrderWithItems, uniqueOrderId } from "@orders/harness/factories";
import { postOrders, type RunningSystem, startSystem, waitUntil } from "@orders/harness/local-system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAdminCli } from "../helpers/admin-cli.ts";

const TOKEN = "audit-cli-token-5c2e";
let system: RunningSystem;
// The demo data stocks KB-01 and funds 1111111 → 7777777.
const order = anOrderWithItems([{ sku: "KB-01", quantity: 1, unitPrice: 10 }], { id: uniqueOrderId("audit") });

const audit = (...args: string[]) => runAdminCli("audit", system, TOKEN, args);

beforeAll(async () => {
  system = await startSystem(["--in-memory"], { ORDERS_ADMIN_TOKEN: TOKEN });
  await postOrders(system, [order], TOKEN);
  await waitUntil(async () => {
    const response = await fetch(`${system.url}/orders/${order.id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return response.ok && (await response.json()).order.status === "CONFIRMED";
  });
});
afterAll(async () => {
  await system?.stop();
});

describe("npm run audit", () => {
  it("audits every sku and account, keeps the report, and finds nothing wrong", () => {
    const { code, stdout } = audit();
    expect(stdout).toMatch(/audited \d+ skus and \d+ accounts/);
    expect(stdout).toMatch(/report kept at reports\/consistency\/.+\.json/);
    expect(stdout.trim().endsWith("consistent")).toBe(true);
    expect(code).toBe(0);
  });

  it("checks one order against its reservations, ledger entries and archived JSON", () => {
    const { code, stdout } = audit("order", order.id);
    expect(stdout).toContain("ok   archive");
    expect(stdout).toContain("ok   reservation KB-01");
    expect(stdout).toContain("ok   payment");
    expect(stdout).toContain(`order ${order.id} is consistent`);
    expect(code).toBe(0);
  });
});
