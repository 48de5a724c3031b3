import { mkdirSync } from "node:fs";
import type { OrderTraceView } from "@orders/core/domain/trace";
import { anOrder, uniqueOrderId } from "@orders/harness/factories";
import { callJson, type RunningSystem, startSystem, waitUntil } from "@orders/harness/local-system";
import { WebhookReceiver } from "@orders/harness/webhook-receiver";
import chromium from "@sparticuz/chromium";
import { chromium as playwright } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPayer } from "../helpers/payer-accounts.ts";

const TOKEN = "tracing-test-token-41c9";
const admin = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

let system: RunningSystem;
const receiver = new WebhookReceiver();
const payer = `6${String(Date.now()).slice(-9)}`;
/** The order the first test traces, which the console then shows. */
const traced = anOrder({ id: uniqueOrderId("traced"), amount: 12.5, fromAccount: payer });

const call = (method: string, path: string, body?: unknown) => callJson(system.url, admin, method, path, body);

type Span = OrderTraceView["spans"][number];

describe("one trace per order, from POST /orders to the webhook", () => {
  beforeAll(async () => {
    const hookUrl = `${await receiver.start()}/hooks/traced`;
    system = await startSystem(["--in-memory"], { ORDERS_ADMIN_TOKEN: TOKEN });
    await openPayer(call, payer, hookUrl, "trace");
  });

  afterAll(async () => {
    await system?.stop();
    await receiver.stop();
  });

  it("records the API, the queue, the processor's calls, the topic, the Notifier and the webhook in one trace, whose id the webhook carries", async () => {
    // Arrange
    const order = traced;
    // Act
    expect((await call("POST", "/orders", order)).status).toBe(202);
    await waitUntil(async () => receiver.received.some((delivery) => delivery.rawBody.includes(order.id)));
    const delivery = receiver.received.find((d) => d.rawBody.includes(order.id));
    let spans: Span[] = [];
    let trace: OrderTraceView | undefined;
    // The webhook's span is recorded when its request closes, just after the receiver has it.
    await waitUntil(async () => {
      const read = await call("GET", `/admin/orders/${order.id}/trace`);
      trace = read.status === 200 ? read.body : undefined;
      spans = trace?.spans ?? [];
      return spans.some((span) => span.kind === "http");
    });
    // Assert: one trace, and the webhook's request names it.
    expect(trace?.traceIds).toEqual([delivery?.headers["orders-trace-id"]]);
    const [traceId] = trace?.traceIds ?? [];
    expect(traceId).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(spans.every((span) => span.traceId === traceId)).toBe(true);
    const functions = spans.filter((span) => span.kind === "function").map((span) => span.name);
    expect(functions[0]).toBe("ApiPostOrders");
    expect(functions).toEqual(expect.arrayContaining(["ApiPostOrders", "OrdersProcessor", "Notifier"]));
    const names = spans.map((span) => `${span.function ?? span.kind} ${span.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        "ApiPostOrders SQS.SendMessage",
        "OrdersProcessor DynamoDB.PutItem",
        "OrdersProcessor S3.PutObject",
        "OrdersProcessor SNS.PublishBatch",
        "Notifier DynamoDB.UpdateItem",
        expect.stringMatching(/^queue .*OrdersQueue$/),
        expect.stringMatching(/^queue .*NotificationsQueue$/),
      ]),
    );
    const webhook = spans.find((span) => span.kind === "http");
    expect(webhook).toMatchObject({
      function: "Notifier",
      name: expect.stringMatching(/^POST 127\.0\.0\.1:\d+$/),
      status: 204,
    });
    // A waterfall: each span starts at or after the first, and the order's whole trip fits its duration.
    for (const span of spans) {
      expect(span.offsetMs).toBeGreaterThanOrEqual(0);
      expect(span.durationMs).toBeGreaterThanOrEqual(0);
      expect(span.offsetMs + span.durationMs).toBeLessThanOrEqual((trace?.durationMs ?? 0) + 0.2);
    }
    const posted = spans.find((span) => span.name === "ApiPostOrders");
    const notified = spans.find((span) => span.name === "Notifier");
    expect(notified?.offsetMs).toBeGreaterThan(posted?.offsetMs ?? Number.POSITIVE_INFINITY);
  });

  it("answers 404 TRACE_NOT_FOUND for an order nobody traced, and 401 without the operator's token", async () => {
    const missing = await call("GET", `/admin/orders/${uniqueOrderId("untraced")}/trace`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe("TRACE_NOT_FOUND");
    const anonymous = await fetch(`${system.url}/admin/orders/${uniqueOrderId("untraced")}/trace`);
    expect(anonymous.status).toBe(401);
  });

  it("shows the trace in the console's order view as a waterfall, at 1280 and 390 px", async () => {
    // Arrange: the first test's order, traced to its webhook.
    const browser = await playwright.launch({ executablePath: await chromium.executablePath(), args: chromium.args });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${system.url}/console`);
      await page.getByLabel("Admin token").fill(TOKEN);
      await page.getByRole("button", { name: "Open the console" }).click();
      // Act
      await page.getByRole("tab", { name: "Orders" }).click();
      await page.getByLabel("Order id").fill(traced.id);
      await page.getByRole("button", { name: "Look up" }).click();
      // Assert: one row per span, from the API's invocation to the webhook's POST, each with its duration.
      const waterfall = page.getByRole("table", { name: "Trace waterfall", exact: true });
      await expect.poll(() => waterfall.isVisible(), { timeout: 20_000, interval: 100 }).toBe(true);
      const rows = waterfall.getByRole("row");
      expect(await rows.filter({ hasText: /^ApiPostOrders/ }).count()).toBe(1);
      expect(await rows.filter({ hasText: /^Notifier/ }).count()).toBe(1);
      expect(
        await rows.filter({ hasText: /^POST 127\.0\.0\.1:\d+[\d.]+ m?s · 204\+[\d.]+ m?sNotifier$/ }).count(),
      ).toBe(1);
      expect(await waterfall.locator("svg rect").count()).toBe((await rows.count()) - 1);
      // The order's card, its wide notifications table included, never makes the page scroll sideways.
      const overflows = () => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      expect(await overflows()).toBe(false);
      mkdirSync("test-results", { recursive: true });
      await page.screenshot({ path: "test-results/console-trace-1280.png", fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await overflows()).toBe(false);
      await page.screenshot({ path: "test-results/console-trace-390.png", fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
