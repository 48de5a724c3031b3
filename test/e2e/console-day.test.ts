import { mkdirSync } from "node:fs";
import { anOrder, uniqueOrderId } from "@orders/harness/factories";
import { postOrders, type RunningSystem, startSystem, waitUntil } from "@orders/harness/local-system";
import chromium from "@sparticuz/chromium";
import { type Browser, type Page, chromium as playwright } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The console tried as a day's work (#18 part 2), in Chromium: each defect a
 * new user met, the Overview and the search across orders, at a phone's width
 * (390 px) and a laptop's (1280 px). Screenshots go to test-results/
 * (gitignored).
 */
const TOKEN = "console-day-token-5c8e21";
// Each admin route's first call starts its function (a cold start), on a shared machine.
const UI = { timeout: 20_000, interval: 100 };
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 900 };
/** The widths each view is checked at, with their viewports. */
const VIEWPORTS = [
  [1280, LAPTOP],
  [390, PHONE],
] as const;
// The console's one format for a time, and for an amount.
const TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/;
const AMOUNT = /^-?\d{1,3}(,\d{3})*\.\d\d$/;

let system: RunningSystem;
let browser: Browser;
let page: Page;
const failing = [1, 2, 3].map(() => anOrder({ id: uniqueOrderId("day") }));
const confirmed = anOrder({
  id: uniqueOrderId("day"),
  items: [{ sku: "KB-01", quantity: 1, unitPrice: 2580 }],
});

const asOperator = { headers: { authorization: `Bearer ${TOKEN}` } };
const dlqDepth = async () => (await (await fetch(`${system.url}/admin/dlq/depth`, asOperator)).json()).depth as number;
/** The OrdersDlq depths the runtime's sampler has recorded (what CloudWatch would hold), without the depth read now. */
const sampledDlqDepths = async (): Promise<number[]> => {
  const { OrdersDlq } = await (await fetch(`${system.url}/_local/queues`)).json();
  const now = Math.floor(Date.now() / 1000);
  const query = {
    Id: "dlq",
    MetricStat: {
      Metric: {
        Namespace: "AWS/SQS",
        MetricName: "ApproximateNumberOfMessagesVisible",
        Dimensions: [{ Name: "QueueName", Value: OrdersDlq.slice(OrdersDlq.lastIndexOf("/") + 1) }],
      },
      Period: 60,
      Stat: "Maximum",
    },
  };
  const response = await fetch(`${system.url}/_local/cloudwatch/`, {
    method: "POST",
    body: JSON.stringify({ MetricDataQueries: [query], StartTime: now - 3600, EndTime: now + 60 }),
  });
  return (await response.json()).MetricDataResults[0].Values;
};
const statusOf = async (id: string) => {
  const response = await fetch(`${system.url}/orders/${id}`, asOperator);
  return response.ok ? ((await response.json()).order.status as string) : undefined;
};
const tab = (name: string) => page.getByRole("tab", { name, exact: true });
/** Whether the page itself scrolls sideways (a table scrolling inside its own box does not count). */
const pageOverflows = () => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

describe("the operations console, for a day's work", () => {
  beforeAll(async () => {
    // Arrange: S3 failing, so three orders end in the DLQ; then it recovers and a fourth is confirmed.
    system = await startSystem(["--in-memory"], { ORDERS_ADMIN_TOKEN: TOKEN, ORDERS_FAULTS: "S3:PutObject" });
    await postOrders(system, failing, TOKEN);
    await waitUntil(async () => (await dlqDepth()) === failing.length, 60_000);
    // The runtime samples the queues' depths every 10 s, as CloudWatch does deployed, and the Overview test reads
    // a peak of 3: the failures stay until a sample has seen all three (the tests before the redrive can take less
    // than a sample's interval, and the chart's reading of the depth now is 0 by then).
    await waitUntil(async () => Math.max(0, ...(await sampledDlqDepths())) === failing.length, 60_000);
    await fetch(`${system.url}/_local/faults`, { method: "PUT", body: JSON.stringify({ rules: [] }) });
    await postOrders(system, [confirmed], TOKEN);
    await waitUntil(async () => (await statusOf(confirmed.id)) === "CONFIRMED", 60_000);
    browser = await playwright.launch({ executablePath: await chromium.executablePath(), args: chromium.args });
    page = await browser.newPage({ viewport: LAPTOP });
    await page.goto(`${system.url}/console`);
    await page.getByLabel("Admin token").fill(TOKEN);
    await page.getByRole("button", { name: "Open the console" }).click();
    mkdirSync("test-results", { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it("shows a dead letter's detail as fields, its raw JSON folded away, and every time in one format", async () => {
    // Act
    await expect.poll(() => page.getByText(`BUCKET_UNAVAILABLE · ${failing.length}`).count(), UI).toBe(1);
    await page.getByRole("button", { name: `Details of` }).first().click();

    // Assert: the message and its record read as named fields; the JSON is there, but closed.
    const message = page.getByRole("table", { name: "The message", exact: true });
    await expect.poll(() => message.getByRole("row", { name: "Amount 2,580.00" }).count(), UI).toBe(1);
    expect(await message.getByRole("row", { name: "From account 1111111" }).count()).toBe(1);
    expect(await page.locator("#detail details.raw").count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator("#detail details.raw[open]").count()).toBe(0);
    expect(await page.locator("#detail pre").first().isVisible()).toBe(false);
    // The list's last failure and the detail's times are the console's one time format.
    const times = await page.locator("#panel-letters time").allTextContents();
    expect(times.length).toBeGreaterThanOrEqual(failing.length + 2);
    for (const text of times) expect(text).toMatch(TIME);
    await page.getByRole("button", { name: "Close" }).click();
  });

  it("opens what a changed hash names, and leaves no banner on the tab it leaves", async () => {
    // Act: the address changes, as a link or a bookmark would change it.
    await page.evaluate((id) => {
      location.hash = `#orders/${id}`;
    }, confirmed.id);

    // Assert: the Orders tab opens on that order, its amounts and times in the console's formats.
    await expect
      .poll(() => page.getByRole("heading", { name: `Order ${confirmed.id} · CONFIRMED` }).isVisible(), UI)
      .toBe(true);
    expect(await tab("Orders").getAttribute("aria-selected")).toBe("true");
    const amounts = await page.locator("#panel-orders .amount").allTextContents();
    expect(amounts).toContain("2,580.00");
    for (const text of amounts) expect(text).toMatch(AMOUNT);
    for (const text of await page.locator("#panel-orders time").allTextContents()) expect(text).toMatch(TIME);

    // Act: an error on the Orders tab, a status line on the stock tab, then another tab.
    await page.getByLabel("Order id").fill("no-such-order-here");
    await page.getByRole("button", { name: "Look up" }).click();
    await expect.poll(() => page.locator("#error").isVisible(), UI).toBe(true);
    await tab("Inventory and accounts").click();
    expect(await page.locator("#error").isVisible()).toBe(false);
    await page.getByLabel("Sku", { exact: true }).fill("MS-02");
    await page.getByLabel("New on-hand count").fill("100");
    await page.getByRole("button", { name: "Set stock" }).click();
    await expect.poll(() => page.getByRole("status").textContent(), UI).toBe("Stock of MS-02 set.");
    await page.evaluate(() => {
      location.hash = "#audit";
    });

    // Assert: the Audit tab is open, and the stock tab's message did not follow.
    await expect.poll(() => tab("Audit").getAttribute("aria-selected"), UI).toBe("true");
    expect(await page.locator("#panel-audit").isVisible()).toBe(true);
    expect(await page.getByRole("status").textContent()).toBe("");
  });

  it("reloads the dead-letter table when the depth moves, without a click", async () => {
    // Arrange: the table shows the three messages.
    await tab("Dead letters").click();
    await expect.poll(() => page.getByText(`BUCKET_UNAVAILABLE · ${failing.length}`).count(), UI).toBe(1);

    // Act: redriven elsewhere (another operator, the CLI) until every order has ended: a redrive skips a message
    // that the console's own listing holds received at that moment, and the next one takes it.
    const redriveAll = () =>
      fetch(`${system.url}/admin/dlq/redrive`, {
        method: "POST",
        headers: { ...asOperator.headers, "content-type": "application/json" },
        body: JSON.stringify({ all: true }),
      });
    // The payer's 10,000 covers three of the four orders of 2,580: one of the redriven ends FAILED.
    const ended = (status: string | undefined) => status === "CONFIRMED" || status === "FAILED";
    await expect
      .poll(
        async () => {
          if ((await dlqDepth()) > 0) expect((await redriveAll()).status).toBe(200);
          return (await Promise.all(failing.map((order) => statusOf(order.id)))).every(ended);
        },
        { timeout: 90_000, interval: 2_000 },
      )
      .toBe(true);

    // Assert: the header's depth and the table agree again within a poll or two (read together, so that a
    // failure shows what the page held: the depth, the empty notice, the rows, the error box).
    const shown = async () =>
      [
        await page.locator("#depth").textContent(),
        await page.getByText("The dead-letter queue is empty").isVisible(),
        await page.locator("#letters tr").count(),
        await page.locator("#error").textContent(),
      ].join(" | ");
    await expect.poll(shown, UI).toMatch(/^0 \| true \| 0 \| /);
  });

  it("charts the outcomes, the throughput, the DLQ depth and the notification failures, at 1280 px and at 390 px", async () => {
    for (const [width, viewport] of VIEWPORTS) {
      // Act
      await page.setViewportSize(viewport);
      await tab("Overview").click();

      // Assert: four SVG charts; the totals count the confirmed orders (the first, and two of the redriven), and the
      // DLQ's depth was charted at 3 while the three failures waited.
      await expect.poll(() => page.locator("#panel-overview svg.chart").count(), UI).toBe(4);
      const confirmedRow = page
        .getByRole("table", { name: "Totals over the window" })
        .getByRole("row", { name: /^Orders confirmed/ });
      await expect
        .poll(async () => Number((await confirmedRow.textContent())?.replace(/\D/g, "")), { ...UI, timeout: 40_000 })
        .toBeGreaterThanOrEqual(3);
      expect(await page.getByRole("img", { name: /^Orders by outcome: confirmed \d+/ }).count()).toBe(1);
      expect(await page.getByRole("img", { name: /^DLQ depth: OrdersDlq peak 3,/ }).count()).toBe(1);
      expect(await pageOverflows()).toBe(false);
      await page.screenshot({ path: `test-results/console-overview-${width}.png`, fullPage: true });
    }
  });

  it("searches every account's orders by status and time, at 1280 px and at 390 px", async () => {
    // Arrange: where each of the four orders (the only ones of this system) ended.
    const ours = await Promise.all([confirmed, ...failing].map(async ({ id }) => ({ id, status: await statusOf(id) })));
    const idsWith = (status: string) => ours.filter((order) => order.status === status).map((order) => order.id);
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString().slice(0, 19);
    const found = page.getByRole("table", { name: "Orders found" });
    const foundIds = async () => (await found.locator("tbody tr td:first-child").allTextContents()).sort();
    for (const [width, viewport] of VIEWPORTS) {
      // Act: the confirmed orders received in the last hour (the form's times are UTC, as the console shows them).
      await page.setViewportSize(viewport);
      await tab("Orders").click();
      await page.getByLabel(/^Status/).selectOption("CONFIRMED");
      await page.getByLabel("Received from (UTC)").fill(hourAgo);
      await page.getByRole("button", { name: "Search orders" }).click();

      // Assert: exactly the confirmed ones, newest first.
      await expect.poll(foundIds, UI).toEqual(idsWith("CONFIRMED").sort());
      expect(idsWith("CONFIRMED")).toContain(confirmed.id);
      const statuses = await found.locator("tbody tr td:nth-child(2)").allTextContents();
      expect(new Set(statuses)).toEqual(new Set(["CONFIRMED"]));
      const received = await found
        .locator("tbody tr td:nth-child(6) time")
        .evaluateAll((times) => times.map((time) => time.getAttribute("datetime") ?? ""));
      expect(received).toEqual([...received].sort().reverse());
      expect(await pageOverflows()).toBe(false);
      await page.screenshot({ path: `test-results/console-search-${width}.png`, fullPage: true });
    }
    // Another status finds the others, and a row opens its order.
    await page.getByLabel(/^Status/).selectOption("FAILED");
    await page.getByRole("button", { name: "Search orders" }).click();
    await expect.poll(foundIds, UI).toEqual(idsWith("FAILED").sort());
    await page.getByLabel(/^Status/).selectOption("CONFIRMED");
    await page.getByRole("button", { name: "Search orders" }).click();
    await found.getByRole("button", { name: `Open order ${confirmed.id}` }).click();
    await expect
      .poll(() => page.getByRole("heading", { name: `Order ${confirmed.id} · CONFIRMED` }).isVisible(), UI)
      .toBe(true);
    await page.setViewportSize(LAPTOP);
  });

  it("fits a 390 px screen on every tab: the page never scrolls sideways, a wide table scrolls in its own box", async () => {
    await page.setViewportSize(PHONE);
    const names = await page.getByRole("tab").allTextContents();
    for (const name of names) {
      // Act
      await tab(name).click();
      if (name === "Orders") {
        await page.getByLabel("Payer or payee account").fill("1111111");
        await page.getByRole("button", { name: "List orders" }).click();
        await expect.poll(() => page.getByRole("table", { name: "Orders of the account" }).count(), UI).toBe(1);
      }
      if (name === "Inventory and accounts") {
        await page.getByLabel("Account id", { exact: true }).fill("1111111");
        await page.getByRole("button", { name: "Show account" }).click();
        await expect.poll(() => page.getByRole("table", { name: "Ledger entries" }).count(), UI).toBe(1);
      }
      // Assert
      expect(await pageOverflows(), name).toBe(false);
    }
    // The account's listing is wider than the phone: it scrolls inside itself.
    await tab("Orders").click();
    const listing = page.getByRole("table", { name: "Orders of the account" });
    expect(await listing.evaluate((table) => table.scrollWidth > table.clientWidth)).toBe(true);
    expect(await listing.evaluate((table) => getComputedStyle(table).overflowX)).toBe("auto");
    await page.screenshot({ path: "test-results/console-orders-390.png", fullPage: true });
    await page.setViewportSize(LAPTOP);
  });
});
