import { anOrder, anOrderWithItems, uniqueOrderId } from "@orders/harness/factories";
import { postOrders, type RunningSystem, startSystem, waitUntil } from "@orders/harness/local-system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAdminCli } from "../helpers/admin-cli.ts";

const TOKEN = "orders-cli-token-71d4";
let system: RunningSystem;
// The demo data stocks KB-01 and funds 1111111 → 7777777; nobody opened 9999999.
const confirmed = anOrderWithItems([{ sku: "KB-01", quantity: 1, unitPrice: 10 }], { id: uniqueOrderId("ocli") });
const failed = anOrder({ id: uniqueOrderId("ocli"), amount: 5, toAccount: "9999999" });

const orders = (...args: string[]) => runAdminCli("orders", system, TOKEN, args);

const statusOf = async (id: string) => {
  const response = await fetch(`${system.url}/orders/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return response.ok ? ((await response.json()) as { order: { status: string } }).order.status : undefined;
};

beforeAll(async () => {
  system = await startSystem(["--in-memory"], { ORDERS_ADMIN_TOKEN: TOKEN });
  await postOrders(system, [confirmed], TOKEN);
  await waitUntil(async () => (await statusOf(confirmed.id)) === "CONFIRMED");
  // Received after the first, so listed before it.
  await postOrders(system, [failed], TOKEN);
  await waitUntil(async () => (await statusOf(failed.id)) === "FAILED");
});
afterAll(async () => {
  await system?.stop();
});

describe("npm run orders", () => {
  it("shows an order: status, payment, reservations and the saga log as a timeline", () => {
    const { code, stdout } = orders("show", confirmed.id);
    expect(code).toBe(0);
    expect(stdout).toContain(`order ${confirmed.id}: CONFIRMED`);
    expect(stdout).toContain("payment: POSTED 10");
    expect(stdout).toMatch(/KB-01\s+×1\s+COMMITTED/);
    expect(stdout).toMatch(/\+0\.000s\s+accounts\s+OK/);
    expect(stdout).toMatch(/reserve\s+HELD/);
  });

  it("shows a failed order's failure", () => {
    const { code, stdout } = orders("show", failed.id);
    expect(code).toBe(0);
    expect(stdout).toContain("failure: UNKNOWN_ACCOUNT");
  });

  it("lists an account's orders as payer newest first, as payee, and by status following cursors", () => {
    const payer = orders("list", "--account", "1111111");
    expect(payer.code).toBe(0);
    expect(payer.stdout.indexOf(failed.id)).toBeGreaterThanOrEqual(0);
    expect(payer.stdout.indexOf(failed.id)).toBeLessThan(payer.stdout.indexOf(confirmed.id));
    const payee = orders("list", "--account", "7777777", "--role", "payee");
    expect(payee.stdout).toContain(confirmed.id);
    expect(payee.stdout).not.toContain(failed.id);
    const byStatus = orders("list", "--account", "1111111", "--status", "FAILED", "--limit", "1", "--all");
    expect(byStatus.code).toBe(0);
    expect(byStatus.stdout).toContain(failed.id);
    expect(byStatus.stdout).not.toContain(confirmed.id);
    expect(byStatus.stdout).not.toContain("more:");
  });

  it("exits 1 and prints the error's code on an HTTP error", () => {
    const badRole = orders("list", "--account", "1111111", "--role", "buyer");
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain("400 INVALID_INPUT");
    const missing = orders("show", "order-never-sent");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("404 ORDER_NOT_FOUND");
    const notCancellable = orders("cancel", failed.id, "--reason", "too late");
    expect(notCancellable.code).toBe(1);
    expect(notCancellable.stderr).toContain("409 ORDER_NOT_CANCELLABLE");
  });

  it("cancels a confirmed order, which ends CANCELLED and refunded", async () => {
    const { code, stdout } = orders("cancel", confirmed.id, "--reason", "changed their mind");
    expect(code).toBe(0);
    // CANCELLED when the processor took the queued cancellation before the request read its own mark back.
    expect(stdout).toMatch(new RegExp(`order ${confirmed.id}: (CANCELLING; the processor cancels it|CANCELLED\n)`));
    await waitUntil(async () => (await statusOf(confirmed.id)) === "CANCELLED");
    const shown = orders("show", confirmed.id);
    expect(shown.stdout).toContain('cancellation: "changed their mind"');
    expect(shown.stdout).toContain("refunded");
    expect(orders("cancel", confirmed.id, "--reason", "again").stdout).toContain("already CANCELLED");
  });

  it("runs the consistency audit", () => {
    const { code, stdout } = orders("audit");
    expect(stdout).toMatch(/audited \d+ skus and \d+ accounts/);
    expect(code).toBe(0);
  });
});
