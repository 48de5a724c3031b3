import { mkdirSync } from "node:fs";
import { anOrder, uniqueOrderId } from "@orders/harness/factories";
import { postOrders, type RunningSystem, startSystem, waitUntil } from "@orders/harness/local-system";
import chromium from "@sparticuz/chromium";
import { type Browser, chromium as playwright } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TOKEN = "console-test-token-4f2a9c";
const SCREENSHOT = "test-results/console.png";
// Each admin route's first call starts its function (a cold start), on a
// shared machine: the default one-second poll is too short for that.
const UI = { timeout: 15_000, interval: 100 };

let system: RunningSystem;
let browser: Browser;
const orders = [anOrder({ id: uniqueOrderId("console") }), anOrder({ id: uniqueOrderId("console") })];

const asOperator = { headers: { authorization: `Bearer ${TOKEN}` } };
// The depth is an operator's figure: the public /health no longer shows it (#16).
const dlqDepth = async () => (await (await fetch(`${system.url}/admin/dlq/depth`, asOperator)).json()).depth as number;
/** An order's status: PENDING while it waits in the DLQ (recorded, not archived), CONFIRMED once redriven. */
const orderStatus = async (id: string) =>
  (await (await fetch(`${system.url}/orders/${id}`, asOperator)).json()).order?.status as string | undefined;

describe("the DLQ console in a real browser", () => {
  beforeAll(async () => {
    // Arrange: S3 is failing, so both orders end in the DLQ; then S3 recovers.
    system = await startSystem(["--in-memory"], { ORDERS_ADMIN_TOKEN: TOKEN, ORDERS_FAULTS: "S3:PutObject" });
    await postOrders(system, orders, TOKEN);
    await waitUntil(async () => (await dlqDepth()) === orders.length);
    await fetch(`${system.url}/_local/faults`, { method: "PUT", body: JSON.stringify({ rules: [] }) });
    // The browser comes from npm: @sparticuz/chromium unpacks its headless
    // Chromium into the temp directory, so no system package is needed.
    browser = await playwright.launch({ executablePath: await chromium.executablePath(), args: chromium.args });
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it("shows the failures and their reason, redrives them, and the orders get recorded", async () => {
    const page = await browser.newPage();
    // Whatever the page's CSP blocks is reported twice: an event in the page, and a console error.
    const violations: string[] = [];
    const asked: string[] = [];
    page.on("request", (request) => asked.push(request.url()));
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.exposeFunction("reportViolation", (text: string) => violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        const report = (window as unknown as { reportViolation: (text: string) => void }).reportViolation;
        void report(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.lineNumber}`);
      });
    });
    // The public health check says the DLQ is up, and never how deep it is.
    const health = await (await fetch(`${system.url}/health`)).text();
    expect(JSON.parse(health)).toMatchObject({ checks: { dlq: "ok" } });
    expect(health).not.toContain("depth");
    const response = await page.goto(`${system.url}/console`);
    expect(response?.headers()["content-security-policy"]).not.toContain("unsafe-inline");

    // Sign in once; the token is kept for the tab.
    await page.getByLabel("Admin token").fill(TOKEN);
    await page.getByRole("button", { name: "Open the console" }).click();

    // Each failed message is listed under its reason.
    await expect.poll(() => page.getByText("BUCKET_UNAVAILABLE · 2").count(), UI).toBe(1);
    await expect.poll(() => page.getByRole("cell", { name: orders[0]?.id }).count(), UI).toBe(1);
    await expect.poll(() => page.locator("#depth").textContent(), UI).toBe("2");
    mkdirSync("test-results", { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // The detail view explains the failure.
    await page
      .getByRole("button", { name: /Details of/ })
      .first()
      .click();
    await expect.poll(() => page.locator("#detail-reason").textContent(), UI).toContain("attempts 3");
    await page.getByRole("button", { name: "Close" }).click();

    // Select one order and redrive it: both are PENDING, recorded but not yet archived.
    expect(await Promise.all(orders.map((order) => orderStatus(order.id)))).toEqual(["PENDING", "PENDING"]);
    const row = page.getByRole("row").filter({ hasText: orders[0]?.id ?? "" });
    await row.getByRole("checkbox").check();
    await page.getByRole("button", { name: "Redrive selected" }).click();
    await expect.poll(() => page.getByRole("status").textContent(), UI).toContain("Redriven 1 of 1");
    await waitUntil(async () => (await orderStatus(orders[0]?.id ?? "")) === "CONFIRMED");

    // Redrive the rest, at a rate, clicked while the page's own listing is under way. A listing receives the letters
    // it shows until its end, so the page sends one DLQ request at a time: were the redrive sent beside it, it would
    // find the letter held and move nothing. Each request is slowed here, so that two at once would show.
    await page.getByLabel("Rate (messages/s)").fill("5");
    let inFlight = 0;
    let mostInFlight = 0;
    await page.route(/\/admin\/dlq(\?|\/redrive$)/, async (route) => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const response = await route.fetch();
      inFlight--;
      await route.fulfill({ response });
    });
    const answered = page.waitForResponse((response) => response.url().endsWith("/admin/dlq/redrive"));
    await page.getByRole("button", { name: "Refresh" }).click();
    await page.getByRole("button", { name: "Redrive all" }).click();
    const { results } = (await (await answered).json()) as { results: { status: string }[] };
    expect(results.map((result) => result.status)).toEqual(["REDRIVEN"]);
    expect(mostInFlight).toBe(1);
    await page.unrouteAll({ behavior: "wait" });
    await waitUntil(async () => (await orderStatus(orders[1]?.id ?? "")) === "CONFIRMED");
    await expect.poll(() => page.getByText("The dead-letter queue is empty").isVisible(), UI).toBe(true);

    // The audit shows both redrives.
    await page.getByRole("tab", { name: "Audit" }).click();
    await expect.poll(() => page.getByRole("cell", { name: "REDRIVE", exact: true }).count(), UI).toBe(2);
    await page.screenshot({ path: "test-results/console-audit.png", fullPage: true });

    // The header's depth is polled from the operators' route, with the token; the page never asks /health.
    const poll = await page.waitForRequest((request) => request.url().endsWith("/admin/dlq/depth"), UI);
    expect(poll.headers().authorization).toBe(`Bearer ${TOKEN}`);
    expect(asked.filter((url) => url.includes("/health"))).toEqual([]);

    // The page's CSP, with no unsafe-inline, let its own script and stylesheet run and blocked nothing.
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(246, 247, 249)");
    expect(violations).toEqual([]);

    // Every order is recorded exactly once.
    for (const order of orders) {
      const body = await (await fetch(`${system.url}/orders/${order.id}`, asOperator)).json();
      expect(body.order).toMatchObject({ status: "CONFIRMED", valid: true, isDuplicate: false });
      expect(body.duplicates).toEqual([]);
    }
  });
});
