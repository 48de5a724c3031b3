import { mkdirSync } from "node:fs";
import { anOrder, uniqueOrderId } from "@orders/harness/factories";
import { postOrders, type RunningSystem, startSystem, waitUntil } from "@orders/harness/local-system";
import chromium from "@sparticuz/chromium";
import { type Browser, type Page, chromium as playwright } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TOKEN = "console-orders-token-7b1e3d";
const SCREENSHOT = "test-results/console-orders.png";
// Each route's first call starts its function (a cold start), on a shared machine.
const UI = { timeout: 20_000, interval: 100 };

let system: RunningSystem;
let browser: Browser;
let page: Page;
// The demo data: 1111111 holds 10,000; KB-01 and MS-02 have 100 each.
const order = anOrder({
  id: uniqueOrderId("console-orders"),
  items: [
    { sku: "KB-01", quantity: 2, unitPrice: 1000 },
    { sku: "MS-02", quantity: 1, unitPrice: 580 },
  ],
});

const statusOf = async (id: string) => {
  const response = await fetch(`${system.url}/orders/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return response.ok ? ((await response.json()).order.status as string) : undefined;
};
const heading = (status: string) => page.getByRole("heading", { name: `Order ${order.id} · ${status}` });
const row = (table: string, name: string | RegExp) =>
  page.getByRole("table", { name: table, exact: true }).getByRole("row", { name });

describe("the operations console, one order from submission to cancellation", () => {
  beforeAll(async () => {
    // Arrange: one confirmed order, and a browser signed in to the console.
    system = await startSystem(["--in-memory"], { ORDERS_ADMIN_TOKEN: TOKEN });
    await postOrders(system, [order], TOKEN);
    await waitUntil(async () => (await statusOf(order.id)) === "CONFIRMED");
    browser = await playwright.launch({ executablePath: await chromium.executablePath(), args: chromium.args });
    page = await browser.newPage();
    await page.goto(`${system.url}/console`);
    await page.getByLabel("Admin token").fill(TOKEN);
    await page.getByRole("button", { name: "Open the console" }).click();
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it("looks the order up, cancels it, verifies it, and shows the stock, the balance and an audit", async () => {
    // Act: open the Orders tab and look the order up.
    await page.getByRole("tab", { name: "Orders" }).click();
    expect(await page.getByRole("tab", { name: "Orders" }).getAttribute("aria-selected")).toBe("true");
    await page.getByLabel("Order id").fill(order.id);
    await page.getByRole("button", { name: "Look up" }).click();

    // Assert: CONFIRMED, with its payment, reservations and saga timeline.
    await expect.poll(() => heading("CONFIRMED").isVisible(), UI).toBe(true);
    const timeline = page.getByRole("list", { name: "Saga timeline" });
    expect(await timeline.getByRole("listitem").count()).toBeGreaterThanOrEqual(5);
    expect(await timeline.getByRole("listitem").last().textContent()).toContain("confirm");
    expect(await row("Reservations", /KB-01 2 COMMITTED/).count()).toBe(1);
    expect(await page.getByText("POSTED · 2,580.00").isVisible()).toBe(true);
    expect(await row("Order summary", "Refunded no").count()).toBe(1);
    expect(await page.getByRole("link", { name: "Download" }).getAttribute("href")).toMatch(/^http/);

    // Act: cancel it, with a reason.
    await page.getByRole("button", { name: "Cancel order" }).click();
    await page.getByLabel("Cancellation reason").fill("customer changed their mind");
    await page.getByRole("button", { name: "Confirm cancellation" }).click();

    // Assert: the tab follows it from CANCELLING to CANCELLED, refunded, the stock returned.
    await expect.poll(() => heading("CANCELLED").isVisible(), UI).toBe(true);
    expect(await page.getByRole("status").textContent()).toBe(`Order ${order.id}: CANCELLED.`);
    expect(await row("Order summary", "Refunded yes").count()).toBe(1);
    expect(await row("Cancellation", "Reason customer changed their mind").count()).toBe(1);
    expect(await row("Reservations", /KB-01 2 RETURNED/).count()).toBe(1);
    // The payment says where the money went; the saga's steps are logged once, not replayed by the cancellation.
    expect(await page.getByText("REFUNDED · 2,580.00").isVisible()).toBe(true);
    const steps = await timeline.getByRole("listitem").allTextContents();
    for (const step of ["cancel", "refund", "restock"]) expect(steps.join("\n")).toContain(` ${step} `);
    expect(steps.filter((step) => / confirm CONFIRMED /.test(step))).toHaveLength(1);
    expect(steps.filter((step) => / void /.test(step))).toHaveLength(0);
    expect(await page.getByRole("button", { name: "Cancel order" }).isDisabled()).toBe(true);

    // Its notifications: the payer has no webhook, so each event is recorded as not sent.
    const notified = async () => {
      await page.getByRole("button", { name: "Reload" }).click();
      return row("Notifications", /^OrderCancelled NO_WEBHOOK 1111111/).count();
    };
    await expect.poll(notified, UI).toBe(1);
    expect(await row("Notifications", /^OrderConfirmed NO_WEBHOOK/).count()).toBe(1);

    // Act and assert: the order verifies consistent.
    await page.getByRole("button", { name: "Verify consistency" }).click();
    await expect.poll(() => page.getByText(/^Consistent: all \d+ checks passed\.$/).isVisible(), UI).toBe(true);
    expect(await row("Consistency checks", /^payment/).count()).toBe(1);
    mkdirSync("test-results", { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // The stock and the payer's balance are back where they started (the next tab, from the keyboard).
    await page.getByRole("tab", { name: "Orders" }).press("ArrowRight");
    const stockTab = page.getByRole("tab", { name: "Inventory and accounts" });
    expect(await stockTab.getAttribute("aria-selected")).toBe("true");
    expect(await stockTab.evaluate((tab) => tab === document.activeElement)).toBe(true);
    await page.getByLabel("Sku", { exact: true }).fill("KB-01");
    await page.getByRole("button", { name: "Show stock" }).click();
    await expect.poll(() => row("Stock level", "On hand 100").count(), UI).toBe(1);
    expect(await row("Stock level", "Reserved 0").count()).toBe(1);
    await page.getByLabel("Account id", { exact: true }).fill("1111111");
    await page.getByRole("button", { name: "Show account" }).click();
    await expect.poll(() => row("Account balances", "Balance 10,000.00").count(), UI).toBe(1);
    expect(await row("Account balances", "Held 0.00").count()).toBe(1);
    expect(await row("Ledger entries", new RegExp(`refund:${order.id}`)).count()).toBe(1);

    // The Audit tab opens on the latest report (none yet), then runs the consistency audit and shows its report.
    await page.getByRole("tab", { name: "Audit" }).click();
    await expect.poll(() => page.getByText("No audit has run yet.").isVisible(), UI).toBe(true);
    await page.getByRole("button", { name: "Run the audit now" }).click();
    await expect.poll(() => page.getByText("No inconsistencies.").isVisible(), UI).toBe(true);
    expect(await row("Audit report", /^Skus \d+$/).count()).toBe(1);

    // A ledger entry's order opens in the Orders tab.
    await page.getByRole("tab", { name: "Inventory and accounts" }).click();
    await row("Ledger entries", new RegExp(`refund:${order.id}`))
      .getByRole("button", { name: order.id })
      .click();
    await expect.poll(() => heading("CANCELLED").isVisible(), UI).toBe(true);
    expect(page.url()).toContain(`#orders/${order.id}`);
  });

  it("opens the Audit tab on the latest report: the one the run above stored", async () => {
    // Arrange: the latest report, as the route reads it back.
    const response = await fetch(`${system.url}/admin/consistency-audit`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(200);
    const latest = (await response.json()) as { key: string; inconsistencies: unknown[] };
    expect(latest.inconsistencies).toEqual([]);

    // Act: a fresh page on the Audit tab.
    await page.goto(`${system.url}/console#audit`);
    await page.reload();

    // Assert
    await expect.poll(() => row("Audit report", `Stored at ${latest.key}`).count(), UI).toBe(1);
    expect(await page.getByText("No inconsistencies.").isVisible()).toBe(true);
  });

  it("lists the payer's cancelled orders, and a row opens its order", async () => {
    // Arrange: a fresh page on the Orders tab (the tab keeps the token), no order open.
    await page.goto(`${system.url}/console#orders`);
    await page.reload();
    expect(await page.getByRole("tab", { name: "Orders" }).getAttribute("aria-selected")).toBe("true");
    expect(await heading("CANCELLED").isVisible()).toBe(false);

    // Act
    await page.getByLabel("Payer or payee account").fill("1111111");
    await page.getByLabel("Role").selectOption("payer");
    await page.getByLabel("With status").selectOption("CANCELLED");
    await page.getByRole("button", { name: "List orders" }).click();

    // Assert: the order is listed; clicking its row opens it.
    const listed = row("Orders of the account", new RegExp(order.id));
    await expect.poll(() => listed.count(), UI).toBe(1);
    expect(await listed.textContent()).toContain("CANCELLED");
    await listed.getByRole("cell", { name: "2,580.00" }).click();
    await expect.poll(() => heading("CANCELLED").isVisible(), UI).toBe(true);
    expect(page.url()).toContain(`#orders/${order.id}`);
  });
});
