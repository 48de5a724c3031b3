import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { callJson, type RunningSystem, startSystem, waitUntil } from "@orders/harness/local-system";
import { FILL_ENV, type FilledNotifications, fillNotificationsDlq } from "@orders/harness/notifications-dlq";
import { WebhookReceiver } from "@orders/harness/webhook-receiver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAdminCli } from "../helpers/admin-cli.ts";

const TOKEN = "notifications-dlq-test-token-5b1e";
const admin = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
const local = { region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };

let system: RunningSystem;
let down = false;
const receiver = new WebhookReceiver(() => down);
let filled: FilledNotifications;

const call = (method: string, path: string, body?: unknown) => callJson(system.url, admin, method, path, body);
const dlqCli = (...args: string[]) => runAdminCli("dlq", system, TOKEN, ["notifications", ...args]);
const acceptedFor = (orderId: string) => receiver.accepted().filter((event) => event.orderId === orderId);
const deliveryOf = async (orderId: string) => (await call("GET", `/orders/${orderId}`)).body.notifications?.[0];

interface Listed {
  messageId: string;
  event: { orderId: string; eventId: string; type: string };
  accountId: string;
  delivery?: { status: string; attempts: number; lastError?: string };
  failure?: { code: string; attempts: number; message: string };
}

describe("NotificationsDlq on the local system: listed, redriven, each event delivered once", () => {
  beforeAll(async () => {
    const hookUrl = `${await receiver.start()}/hooks/orders`;
    system = await startSystem(["--in-memory"], { ORDERS_ADMIN_TOKEN: TOKEN, ...FILL_ENV });
    filled = await fillNotificationsDlq(system, TOKEN, { hookUrl, count: 2, receiverDown: (d) => (down = d) });
  }, 300_000);

  afterAll(async () => {
    await system?.stop();
    await receiver.stop();
  });

  it("lists each event that ran out of tries with its payer and its delivery's tries and last error", async () => {
    // Act
    const { status, body } = await call("GET", "/admin/notifications-dlq");
    const depth = await call("GET", "/admin/notifications-dlq/depth");
    // Assert
    expect(status).toBe(200);
    // An event the processor published twice (at least once, as SNS) waits twice.
    const listed = body.messages as Listed[];
    expect(listed.length).toBeGreaterThanOrEqual(2);
    expect(depth.body).toEqual({ depth: listed.length });
    expect(body.depth).toBe(listed.length);
    expect([...new Set(listed.map((m) => m.event.orderId))].sort()).toEqual([...filled.orderIds].sort());
    for (const message of listed) {
      const payer = filled.payers[filled.orderIds.indexOf(message.event.orderId)];
      expect(message).toMatchObject({
        event: { type: "OrderConfirmed", eventId: expect.stringMatching(/^evt_/) },
        accountId: payer,
        delivery: { status: "RETRYING", attempts: expect.any(Number), lastError: "The webhook answered 500" },
        // Its last tries failed before any send (the payer's webhook could not be read): the Notifier's own reason.
        failure: { code: "TABLE_UNAVAILABLE", attempts: expect.any(Number), message: expect.any(String) },
      });
    }
    // The CLI lists the same: a line an event, with its order, payer, delivery status, tries and last error.
    const cli = dlqCli("list");
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`NotificationsDlq depth ${listed.length}`);
    for (const message of listed) {
      const { status, attempts } = message.delivery ?? {};
      expect(cli.stdout).toContain(
        `${message.messageId}  ${message.event.orderId}  OrderConfirmed  payer ${message.accountId}  ${status} ×${attempts}  The webhook answered 500`,
      );
    }
    // Nothing reached the receiver, and OrdersDlq has none of it.
    expect(receiver.accepted()).toEqual([]);
    expect((await call("GET", "/admin/dlq/depth")).body).toEqual({ depth: 0 });
  });

  it("redrives them to delivery: an event delivered since is not sent again, the other is sent once", async () => {
    // Arrange: a copy of the first event gets through another way (as SNS delivering twice would).
    const listed = (await call("GET", "/admin/notifications-dlq")).body.messages as Listed[];
    const first = listed[0];
    const second = listed.find((m) => m.event.orderId !== first?.event.orderId);
    if (!first || !second) throw new Error("two events expected in NotificationsDlq");
    const { endpoint, NotificationsDlq, NotificationsQueue } = (await call("GET", "/_local/queues")).body;
    const sqs = new SQSClient({ endpoint, ...local, useQueueUrlAsEndpoint: false });
    const raw = await peekBody(sqs, NotificationsDlq, first.messageId);
    expect(JSON.parse(raw).eventId).toBe(first.event.eventId);
    await sqs.send(new SendMessageCommand({ QueueUrl: NotificationsQueue, MessageBody: raw }));
    await waitUntil(async () => (await deliveryOf(first.event.orderId))?.status === "DELIVERED", 60_000);
    const since = (await call("GET", "/admin/notifications-dlq")).body.messages as Listed[];
    for (const copy of since.filter((m) => m.event.orderId === first.event.orderId)) {
      expect(copy.delivery?.status).toBe("DELIVERED");
    }
    const deduplicated = await counter("NotificationsDeduplicated");

    // Act: from a terminal (`npm run dlq -- notifications redrive --all`), which calls the redrive route.
    const redriven = dlqCli("redrive", "--all");

    // Assert
    expect(redriven.code).toBe(0);
    for (const copy of since) expect(redriven.stdout).toMatch(new RegExp(`^${copy.messageId}  REDRIVEN`, "m"));
    expect(redriven.stdout).toContain(`${since.length} redriven, 0 not`);
    await waitUntil(async () => (await deliveryOf(second.event.orderId))?.status === "DELIVERED", 60_000);
    // Every copy was handled: the second event's first one delivered, each other one found delivered and dropped.
    await waitUntil(
      async () => (await counter("NotificationsDeduplicated")) >= deduplicated + since.length - 1,
      60_000,
    );
    expect(acceptedFor(first.event.orderId)).toHaveLength(1);
    expect(acceptedFor(second.event.orderId)).toHaveLength(1);
    expect((await call("GET", "/admin/notifications-dlq/depth")).body).toEqual({ depth: 0 });
    expect((await call("GET", "/admin/notifications-dlq")).body.messages).toEqual([]);
    expect(dlqCli("list").stdout).toContain("NotificationsDlq is empty.");
    const audit = (await call("GET", "/admin/audit")).body.entries as { action: string; detail?: string }[];
    expect(audit.filter((entry) => entry.detail === "to NotificationsQueue")).toHaveLength(since.length);
  });
});

const counter = async (name: string) => ((await call("GET", "/_local/metrics")).body.counters[name] ?? 0) as number;

/** The body of one message waiting in a queue, read without hiding it (visibility 0). */
async function peekBody(sqs: SQSClient, queueUrl: string, messageId: string): Promise<string> {
  for (let i = 0; i < 10; i++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    const found = Messages.find((message) => message.MessageId === messageId);
    if (found?.Body) return found.Body;
  }
  throw new Error(`no message ${messageId} in ${queueUrl}`);
}
