import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { verifySignature } from "@orders/core/domain/webhook-signature";
import { anOrder, uniqueOrderId } from "@orders/harness/factories";
import { callJson, postOrders, type RunningSystem, startSystem, waitUntil } from "@orders/harness/local-system";
import { WebhookReceiver } from "@orders/harness/webhook-receiver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPayer } from "../helpers/payer-accounts.ts";

const TOKEN = "notifications-test-token-7e1d";
/** The static admin token stands for an operator, who may also submit orders (POST /orders needs a caller). */
const admin = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
const local = { region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };

let system: RunningSystem;
const receiver = new WebhookReceiver();
let hookUrl: string;
let secret: string;
const payer = `5${String(Date.now()).slice(-9)}`;

const call = (method: string, path: string, body?: unknown) => callJson(system.url, admin, method, path, body);

const deliveriesOf = (orderId: string) => receiver.accepted().filter((event) => event.orderId === orderId);
const notificationsOf = async (orderId: string) => (await call("GET", `/orders/${orderId}`)).body.notifications;
const counter = async (name: string) => ((await call("GET", "/_local/metrics")).body.counters[name] ?? 0) as number;

describe("order events delivered to the payer's webhook", () => {
  beforeAll(async () => {
    hookUrl = `${await receiver.start()}/hooks/orders`;
    system = await startSystem(["--in-memory"], { ORDERS_ADMIN_TOKEN: TOKEN });
    secret = await openPayer(call, payer, hookUrl);
  });

  afterAll(async () => {
    await system?.stop();
    await receiver.stop();
  });

  it("refuses a webhook URL that could reach inside the network", async () => {
    for (const url of [
      "http://169.254.169.254/latest/meta-data",
      "https://10.0.0.7/hook",
      "https://user:pw@example.com/",
    ]) {
      const refused = await call("PUT", `/accounts/${payer}/webhook`, { url });
      expect(refused.status, url).toBe(422);
      expect(refused.body.error).toBe("UNSAFE_WEBHOOK_URL");
    }
  });

  it("POSTs a signed OrderConfirmed, once, and GET /orders/{id} shows it DELIVERED", async () => {
    // Arrange
    const order = anOrder({ id: uniqueOrderId("notify"), amount: 25.8, fromAccount: payer });
    // Act
    const submitted = await call("POST", "/orders", order);
    expect(submitted.status).toBe(202);
    await waitUntil(async () => deliveriesOf(order.id).length > 0);
    // Assert: the signature covers the raw body, with the secret returned when the webhook was set.
    const delivery = receiver.received.find((d) => d.rawBody.includes(order.id));
    const signature = String(delivery?.headers["orders-signature"]);
    expect(delivery?.path).toBe("/hooks/orders");
    expect(delivery?.headers["content-type"]).toBe("application/json");
    expect(verifySignature(signature, delivery?.rawBody ?? "", secret, Date.now() / 1000)).toBe(true);
    expect(verifySignature(signature, `${delivery?.rawBody} `, secret, Date.now() / 1000)).toBe(false);
    const [event] = deliveriesOf(order.id);
    expect(event).toMatchObject({
      eventId: expect.stringMatching(/^evt_[0-9a-f]{32}$/),
      type: "OrderConfirmed",
      orderId: order.id,
      occurredAt: expect.any(String),
      order: { id: order.id, status: "CONFIRMED", amount: 25.8, fromAccount: payer, toAccount: "7777777" },
    });
    expect(delivery?.headers["orders-event-id"]).toBe(event?.eventId);
    await waitUntil(async () => (await notificationsOf(order.id))?.[0]?.status === "DELIVERED");
    expect(await notificationsOf(order.id)).toEqual([
      expect.objectContaining({ eventId: event?.eventId, type: "OrderConfirmed", status: "DELIVERED", attempts: 1 }),
    ]);
  });

  it("delivers nothing twice when the same event is published and queued again", async () => {
    // Arrange: a confirmed, notified order.
    const order = anOrder({ id: uniqueOrderId("dedupe"), amount: 1, fromAccount: payer });
    await postOrders(system, [order], TOKEN);
    await waitUntil(async () => (await notificationsOf(order.id).catch(() => []))?.[0]?.status === "DELIVERED");
    const [event] = deliveriesOf(order.id);
    const deduplicated = await counter("NotificationsDeduplicated");
    // Act: SNS and SQS deliver at least once: the same event comes back three more times, two at once.
    const { endpoint, OrderEvents, NotificationsQueue } = (await call("GET", "/_local/queues")).body;
    const sns = new SNSClient({ endpoint, ...local });
    const sqs = new SQSClient({ endpoint, ...local, useQueueUrlAsEndpoint: false });
    const body = JSON.stringify(event);
    await Promise.all([
      sns.send(new PublishCommand({ TopicArn: OrderEvents, Message: body })),
      sns.send(new PublishCommand({ TopicArn: OrderEvents, Message: body })),
      sqs.send(new SendMessageCommand({ QueueUrl: NotificationsQueue, MessageBody: body })),
    ]);
    await waitUntil(async () => (await counter("NotificationsDeduplicated")) >= deduplicated + 3);
    // Assert
    expect(deliveriesOf(order.id)).toHaveLength(1);
    expect(await notificationsOf(order.id)).toEqual([expect.objectContaining({ status: "DELIVERED", attempts: 1 })]);
  });

  it("retries a receiver that fails, then tells of the cancellation after the confirmation", async () => {
    // Arrange
    const order = anOrder({ id: uniqueOrderId("cancel"), amount: 2, fromAccount: payer });
    await postOrders(system, [order], TOKEN);
    await waitUntil(async () => deliveriesOf(order.id).length === 1);
    // Act: the receiver is down for the next delivery; the order is cancelled.
    receiver.failNext(1);
    expect((await call("POST", `/orders/${order.id}/cancel`, { reason: "changed my mind" })).status).toBe(202);
    await waitUntil(async () => deliveriesOf(order.id).length === 2, 60_000);
    // Assert: in order, the cancellation refunded; one failed try recorded, then delivered.
    const [confirmed, cancelled] = deliveriesOf(order.id);
    expect([confirmed?.type, cancelled?.type]).toEqual(["OrderConfirmed", "OrderCancelled"]);
    expect(cancelled?.order).toMatchObject({
      status: "CANCELLED",
      refunded: true,
      cancellation: { reason: "changed my mind" },
    });
    const tries = receiver.received.filter((d) => d.rawBody.includes(cancelled?.eventId ?? "-"));
    expect(tries.map((d) => d.answered)).toEqual([500, 204]);
    await waitUntil(async () => (await notificationsOf(order.id))?.[1]?.status === "DELIVERED");
    expect((await notificationsOf(order.id))[1]).toMatchObject({ type: "OrderCancelled", attempts: 2 });
  });

  it("after a rotation, signs with both the new and the old secret, so a receiver on either accepts", async () => {
    // Arrange: the secret rotated; the receiver has not switched yet.
    const rotated = await call("PUT", `/accounts/${payer}/webhook`, { url: hookUrl });
    expect(rotated.status).toBe(200);
    expect(Date.parse(rotated.body.previousSecretValidUntil) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
    const order = anOrder({ id: uniqueOrderId("rotate"), amount: 3, fromAccount: payer });
    // Act
    await postOrders(system, [order], TOKEN);
    await waitUntil(async () => deliveriesOf(order.id).length > 0);
    // Assert: t, then one v1 per secret, the new one first.
    const delivery = receiver.received.find((d) => d.rawBody.includes(order.id));
    const signature = String(delivery?.headers["orders-signature"]);
    const now = Date.now() / 1000;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifySignature(signature, delivery?.rawBody ?? "", rotated.body.secret, now)).toBe(true);
    expect(verifySignature(signature, delivery?.rawBody ?? "", secret, now)).toBe(true);
    expect(verifySignature(signature, delivery?.rawBody ?? "", "whsec_someone-else", now)).toBe(false);
  });
});
