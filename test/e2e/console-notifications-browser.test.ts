import { mkdirSync } from "node:fs";
import { callJson, type RunningSystem, startSystem, waitUntil } from "@orders/harness/local-system";
import { FILL_ENV, type FilledNotifications, fillNotificationsDlq } from "@orders/harness/notifications-dlq";
import { WebhookReceiver } from "@orders/harness/webhook-receiver";
import chromium from "@sparticuz/chromium";
import { type Browser, type Page, chromium as playwright } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TOKEN = "console-notifications-token-81c3";
// Each admin route's first call starts its function (a cold start), on a shared machine.
const UI = { timeout: 15_000, interval: 100 };

let system: RunningSystem;
let browser: Browser;
let down = false;
const receiver = new WebhookReceiver(() => down);
let hookUrl: string;
let filled: FilledNotifications;

async function openConsole(width: number, hash: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(`${system.url}/console#${hash}`);
  await page.getByLabel("Admin token").fill(TOKEN);
  await page.getByRole("button", { name: "Open the console" }).click();
  return page;
}

/** How far the page scrolls sideways: 0 when nothing is wider than the screen. */
const sidewaysScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** How many event copies the Notifier found delivered already, and dropped. */
const deduplicated = async () =>
  (await callJson(system.url, {}, "GET", "/_local/metrics")).body.counters.NotificationsDeduplicated ?? 0;

const eventRows = (page: Page) => page.getByRole("checkbox", { name: /^Select OrderConfirmed of / });

describe("the console's Notifications DLQ and Webhooks tabs in a real browser", () => {
  beforeAll(async () => {
    hookUrl = `${await receiver.start()}/hooks/orders`;
    system = await startSystem(["--in-memory"], { ORDERS_ADMIN_TOKEN: TOKEN, ...FILL_ENV });
    filled = await fillNotificationsDlq(system, TOKEN, { hookUrl, count: 2, receiverDown: (d) => (down = d) });
    browser = await playwright.launch({ executablePath: await chromium.executablePath(), args: chromium.args });
    mkdirSync("test-results", { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await receiver.stop();
  });

  it("fits a 390 px screen: the waiting events and an account's webhook, with no sideways scroll", async () => {
    // Act
    const page = await openConsole(390, "notifications");
    // Assert
    await expect.poll(() => eventRows(page).count(), UI).toBeGreaterThanOrEqual(2);
    expect(await page.getByText("The webhook answered 500").count()).toBe(await eventRows(page).count());
    // And the Notifier's own reason for its last tries, which failed before a send (the webhook could not be read).
    expect(await page.getByText(/^TABLE_UNAVAILABLE: /).count()).toBe(await eventRows(page).count());
    expect(await sidewaysScroll(page)).toBe(0);
    await page.screenshot({ path: "test-results/console-notifications-390.png", fullPage: true });

    await page.getByRole("tab", { name: "Webhooks" }).click();
    await page.getByLabel("Webhook of account", { exact: true }).fill(filled.payers[0] ?? "");
    await page.getByRole("button", { name: "Look up" }).click();
    await expect.poll(() => page.getByRole("cell", { name: hookUrl }).count(), UI).toBe(1);
    expect(await sidewaysScroll(page)).toBe(0);
    await page.screenshot({ path: "test-results/console-webhooks-390.png", fullPage: true });
  });

  it("at 1280 px, redrives the selected event, then every event, and the table follows each redrive", async () => {
    // Arrange
    const page = await openConsole(1280, "notifications");
    await expect.poll(() => eventRows(page).count(), UI).toBeGreaterThanOrEqual(2);
    // An event published twice waits twice: each copy is a row of its own.
    const rows = await eventRows(page).count();
    const dropped = await deduplicated();
    expect(await page.getByText(/RETRYING after \d+ tr/).count()).toBe(rows);
    for (const payer of filled.payers) expect(await page.getByText(`payer ${payer}`).count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: "test-results/console-notifications-1280.png", fullPage: true });

    // Act: the first event alone.
    const [chosen, other] = filled.orderIds;
    await page
      .getByRole("checkbox", { name: `Select OrderConfirmed of ${chosen}` })
      .first()
      .check();
    await page.getByRole("button", { name: "Redrive selected events" }).click();

    // Assert: the status says so, and the table was read again at once: that row is gone, the other event's stay.
    await expect.poll(() => page.getByRole("status").textContent(), UI).toContain("Redriven 1 of 1");
    await expect.poll(() => eventRows(page).count(), UI).toBe(rows - 1);
    expect(await page.getByRole("checkbox", { name: `Select OrderConfirmed of ${other}` }).count()).toBeGreaterThan(0);
    await waitUntil(async () => receiver.accepted().some((event) => event.orderId === chosen), 60_000);

    // Act: the rest.
    await page.getByRole("button", { name: "Redrive every event" }).click();

    // Assert: every copy went back, and each event reached the receiver once.
    await expect.poll(() => page.getByText("NotificationsDlq is empty").isVisible(), UI).toBe(true);
    expect(await page.locator("#nd-depth").textContent()).toBe("0");
    // Every copy was handled: one delivered per event, each other one found delivered and dropped.
    await waitUntil(async () => (await deduplicated()) >= dropped + rows - filled.orderIds.length, 60_000);
    for (const id of filled.orderIds) expect(receiver.accepted().filter((e) => e.orderId === id)).toHaveLength(1);
  });

  it("at 1280 px, shows an account's endpoint without its secret, and shows a new secret once after a rotation", async () => {
    // Arrange
    const page = await openConsole(1280, `webhooks/${filled.payers[1]}`);
    await expect.poll(() => page.getByRole("cell", { name: hookUrl }).count(), UI).toBe(1);
    expect(await page.getByText("No: only the current secret signs").count()).toBe(1);
    expect(await page.content()).not.toContain("whsec_");

    // Act: set it again, which rotates the secret.
    await page.getByLabel("Endpoint URL (https)").fill(hookUrl);
    await page.getByRole("button", { name: "Save and rotate the secret" }).click();

    // Assert: the new secret once, and the old one's overlap.
    await expect.poll(() => page.getByLabel("New signing secret").inputValue(), UI).toMatch(/^whsec_/);
    await expect.poll(() => page.getByText(/^Yes, beside the current one, until/).count(), UI).toBe(1);
    await page.screenshot({ path: "test-results/console-webhooks-1280.png", fullPage: true });

    // Looking it up again shows no secret.
    await page.getByRole("button", { name: "Look up" }).click();
    await expect.poll(() => page.getByLabel("New signing secret").isVisible(), UI).toBe(false);
    expect(await page.getByLabel("New signing secret").inputValue()).toBe("");

    // From the keyboard: the arrow keys move between the tabs, Enter looks an account up.
    await page.getByRole("tab", { name: "Webhooks" }).focus();
    await page.keyboard.press("ArrowLeft");
    await expect
      .poll(() => page.getByRole("tab", { name: "Notifications DLQ" }).getAttribute("aria-selected"))
      .toBe("true");
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => page.getByRole("tab", { name: "Webhooks" }).getAttribute("aria-selected")).toBe("true");
    await page.getByLabel("Webhook of account", { exact: true }).fill("5000000001");
    await page.keyboard.press("Enter");
    // An account that does not exist is an error.
    await expect
      .poll(() => page.getByRole("alert").first().textContent(), UI)
      .toContain("No account has id 5000000001");
  });
});
