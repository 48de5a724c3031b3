import { GetObjectCommand } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import {
  anOrder,
  anOrderMessage,
  anOrderWithItems,
  apiEvent,
  lambdaContext,
  postJson,
  sqsEvent,
  sqsRecord,
  uniqueOrderId,
} from "@orders/harness/factories";
import { localStage, TEST_ADMIN_TOKEN } from "@orders/harness/local-stage";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { FaultSwitch } from "../../packages/local/src/faults.ts";
import { crashPoints } from "../helpers/crash-points.ts";
import { queueDepth, queuePump } from "../helpers/queue-pump.ts";

const stage = await localStage({ sqsS3Endpoint: inject("sqsS3Endpoint"), dynamoEndpoint: inject("dynamoEndpoint") });
const load = async (file: string) =>
  (await import(/* @vite-ignore */ `../../packages/functions/src/${file}.ts`)).handler as (
    event: APIGatewayProxyEventV2,
    context: ReturnType<typeof lambdaContext>,
  ) => Promise<{ statusCode: number; body?: string }>;
const submit = await load("api/submit-order");
const processBatch = (await import("@orders/functions/queue/process-orders")).handler;
const admin = {
  list: await load("admin/list-dead-letters"),
  redrive: await load("admin/redrive-dead-letters"),
  edit: await load("admin/edit-dead-letter"),
  dryRun: await load("admin/dry-run-dead-letter"),
  discard: await load("admin/discard-dead-letter"),
  audit: await load("admin/list-audit"),
};
const { accountLedger, dynamoClient, orderRepository, stockLedger } = await import(
  "@orders/functions/composition/table"
);
/** Crash points on the handlers' own client, added on first use, once (a client takes each middleware name once). */
let crashesAdded: ReturnType<typeof crashPoints> | undefined;
const crashes = () => {
  crashesAdded ??= crashPoints(dynamoClient());
  return crashesAdded;
};
const { sdkClients } = await import("@orders/functions/composition/sdk-clients");

const { sqs } = stage.clients;
const { queue } = stage.resources;
const pump = queuePump(sqs, queue, processBatch);
const faults = new FaultSwitch();
faults.attach("S3", sdkClients().s3);

const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
type Letter = {
  messageId: string;
  failure?: { code: string; attempts: number };
  messageAttributes: Record<string, string>;
};

async function call(handler: (typeof admin)[keyof typeof admin], event: APIGatewayProxyEventV2) {
  const response = await handler(event, lambdaContext());
  return { status: response.statusCode, body: JSON.parse(response.body ?? "null") };
}
const get = (path: string, headers: Record<string, string> = auth) => {
  const [rawPath, query = ""] = path.split("?");
  const event = apiEvent({ method: "GET", path: rawPath ?? path, headers });
  return { ...event, rawQueryString: query, queryStringParameters: Object.fromEntries(new URLSearchParams(query)) };
};
const post = (path: string, body: unknown, id?: string, headers: Record<string, string> = auth) => ({
  ...postJson(path, body, headers, null),
  ...(id ? { pathParameters: { id } } : {}),
});

async function deadLetters(): Promise<Letter[]> {
  const { body } = await call(admin.list, get("/admin/dlq?limit=100"));
  return body.messages;
}

async function letterOf(orderId: string): Promise<Letter> {
  const letter = (await deadLetters()).find((l) => l.messageAttributes.orderId === orderId);
  if (!letter) throw new Error(`${orderId} is not in the DLQ`);
  return letter;
}

async function recordedOnce(orderId: string) {
  const history = await orderRepository().findHistory(orderId);
  return history && history.duplicates.length === 0 ? history.original : undefined;
}

const sentOrders = new Map<string, unknown>();

/** Submits orders while S3 is failing, and waits until all of them are dead letters. */
async function failOrders(count: number): Promise<string[]> {
  faults.set(["S3:PutObject"]);
  const ids = Array.from({ length: count }, () => uniqueOrderId("dlq"));
  for (const id of ids) {
    const order = anOrder({ id });
    sentOrders.set(id, order);
    await submit(postJson("/orders", order), lambdaContext());
  }
  await pump.until(async () => (await queueDepth(sqs, queue.url)) === 0);
  faults.set([]);
  return ids;
}

let failed: string[] = [];
beforeAll(async () => {
  failed = await failOrders(4);
});

describe("the DLQ admin API against the emulators", () => {
  it("shows each failed order in the DLQ with its recorded reason and order record", async () => {
    const { status, body } = await call(admin.list, get("/admin/dlq"));
    expect(status).toBe(200);
    expect(body.depth).toBeGreaterThanOrEqual(4);
    expect(body.reasons.BUCKET_UNAVAILABLE).toBeGreaterThanOrEqual(4);
    const letter = await letterOf(failed[0] ?? "");
    expect(letter.failure).toMatchObject({ code: "BUCKET_UNAVAILABLE", attempts: 3 });
    const filtered = await call(admin.list, get("/admin/dlq?reason=TABLE_UNAVAILABLE"));
    expect(filtered.body.messages).toEqual([]);
  });

  it("redrives selected messages: each order ends recorded exactly once, even when redriven twice", async () => {
    // Arrange
    const [first] = failed;
    const letter = await letterOf(first ?? "");
    // Act
    const { body } = await call(admin.redrive, post("/admin/dlq/redrive", { ids: [letter.messageId] }));
    const again = await call(admin.redrive, post("/admin/dlq/redrive", { ids: [letter.messageId] }));
    await pump.until(async () => (await queueDepth(sqs, queue.url)) === 0);
    // Assert
    expect(body.results).toEqual([expect.objectContaining({ messageId: letter.messageId, status: "REDRIVEN" })]);
    expect(again.body.results).toEqual([{ messageId: letter.messageId, status: "NOT_FOUND" }]);
    const record = await recordedOnce(first ?? "");
    expect(record?.status).toBe("CONFIRMED");
    const object = await stage.clients.s3.send(
      new GetObjectCommand({ Bucket: stage.resources.bucket, Key: `orders/${first}.json` }),
    );
    expect(JSON.parse((await object.Body?.transformToString()) ?? "null")).toEqual(sentOrders.get(first ?? ""));
  });

  it("refuses an invalid edit with the reasons, and moves nothing", async () => {
    const letter = await letterOf(failed[1] ?? "");
    const before = (await deadLetters()).length;
    const { status, body } = await call(
      admin.edit,
      post(
        `/admin/dlq/${letter.messageId}/edit`,
        { order: { id: failed[1], amount: -1, fromAccount: "1" } },
        letter.messageId,
      ),
    );
    expect(status).toBe(422);
    expect(body.error).toBe("ORDER_REJECTED");
    expect(body.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining(["amount", "fromAccount", "toAccount"]),
    );
    expect((await deadLetters()).length).toBe(before);
  });

  it("dry-runs a message with no side effect", async () => {
    const letter = await letterOf(failed[1] ?? "");
    const before = await deadLetters();
    const { status, body } = await call(
      admin.dryRun,
      post(`/admin/dlq/${letter.messageId}/dry-run`, undefined, letter.messageId),
    );
    expect(status).toBe(200);
    // The record was written before S3 failed, so processing again is a redelivery that writes S3.
    expect(body).toMatchObject({ readable: true, valid: true, wouldBe: "redelivery", wouldWriteS3: true });
    expect((await deadLetters()).map((l) => l.messageId).sort()).toEqual(before.map((l) => l.messageId).sort());
  });

  it("refuses to edit a message whose submission is recorded already, and leaves it in the DLQ", async () => {
    // Arrange: S3 failed after the order was recorded, so a copy with the same submission id would be a redelivery.
    const letter = await letterOf(failed[1] ?? "");
    const corrected = anOrder({ id: failed[1], amount: 99.5 });
    // Act
    const { status, body } = await call(
      admin.edit,
      post(`/admin/dlq/${letter.messageId}/edit`, { order: corrected }, letter.messageId),
    );
    // Assert: 409, and the letter is released at once, for a redrive or a discard.
    expect(status).toBe(409);
    expect(body.error).toBe("SUBMISSION_RECORDED");
    expect(body.message).toContain(`Order ${failed[1]} was recorded from this message (as PENDING)`);
    expect((await deadLetters()).some((l) => l.messageId === letter.messageId)).toBe(true);
  });

  it("edits and redrives a message never recorded: the corrected order is the one processed", async () => {
    // Arrange: an order that died before it was recorded (sent to the DLQ as the processor's first write failed).
    const id = uniqueOrderId("edit");
    const original = anOrderMessage(anOrder({ id, amount: 25.8 }));
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: stage.resources.dlq.url,
        MessageBody: JSON.stringify(original),
        MessageAttributes: { orderId: { DataType: "String", StringValue: id } },
      }),
    );
    const letter = await letterOf(id);
    // Act
    const { status, body } = await call(
      admin.edit,
      post(`/admin/dlq/${letter.messageId}/edit`, { order: anOrder({ id, amount: 99.5 }) }, letter.messageId),
    );
    await pump.until(async () => (await queueDepth(sqs, queue.url)) === 0);
    // Assert: the edit is what ran, under the same submission; the audit keeps the body it replaced.
    expect(status).toBe(200);
    expect(body.status).toBe("REDRIVEN");
    expect(await recordedOnce(id)).toMatchObject({
      status: "CONFIRMED",
      amountCents: 9950,
      submissionId: original.submissionId,
    });
    const { body: audit } = await call(admin.audit, get("/admin/audit"));
    const entry = audit.entries.find((e: { oldMessageId: string }) => e.oldMessageId === letter.messageId);
    expect(entry).toMatchObject({ action: "EDIT", result: "OK", orderId: id, body: JSON.stringify(original) });
  });

  it("redrives all, at a rate", async () => {
    const { body } = await call(admin.redrive, post("/admin/dlq/redrive", { all: true, maxPerSecond: 20 }));
    expect(body.results.length).toBeGreaterThanOrEqual(1);
    await pump.until(async () => (await queueDepth(sqs, queue.url)) === 0);
    // The order the edit was refused for ran as it was recorded.
    expect(await recordedOnce(failed[1] ?? "")).toMatchObject({ amountCents: 258000 });
    expect(await recordedOnce(failed[2] ?? "")).toBeDefined();
    expect(await recordedOnce(failed[3] ?? "")).toBeDefined();
  });

  it("discards a message, keeping its body in the audit", async () => {
    const body = `poison ${uniqueOrderId()}`;
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
    await pump.until(async () => (await queueDepth(sqs, queue.url)) === 0);
    const letter = (await deadLetters()).find((l) => l.failure?.code === "POISON_MESSAGE");
    expect(letter).toBeDefined();
    const id = letter?.messageId ?? "";
    const discarded = await call(admin.discard, post(`/admin/dlq/${id}/discard`, { reason: "test poison" }, id));
    expect(discarded.body).toEqual({ messageId: id, status: "DISCARDED" });
    expect((await deadLetters()).some((l) => l.messageId === id)).toBe(false);
    const { body: audit } = await call(admin.audit, get("/admin/audit"));
    expect(audit.entries[0]).toMatchObject({
      action: "DISCARD",
      oldMessageId: id,
      detail: "test poison",
      body,
      actor: "admin-token",
    });
    expect(audit.entries.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(["REDRIVE", "EDIT"]));
  });

  it("names a dead letter whose payment was posted and never credited", async () => {
    // Arrange: a transfer between fresh accounts (so no archiving moves the writes about) whose process died after
    // the post, before the credit, and whose message SQS gave up on.
    const [payer, payee] = [`3${Date.now()}`, `4${Date.now()}`];
    const now = new Date().toISOString();
    for (const id of [payer, payee]) await accountLedger().open(id, now);
    await accountLedger().deposit(payer, "seed", 1000, now);
    const message = anOrderMessage(anOrder({ amount: 3, fromAccount: payer, toAccount: payee }));
    crashes().arm(3, "before"); // the claim, the hold, the post; then the credit
    const { batchItemFailures } = await processBatch(sqsEvent([sqsRecord(JSON.stringify(message))]), lambdaContext());
    crashes().disarm();
    expect(batchItemFailures).toHaveLength(1);
    await sqs.send(new SendMessageCommand({ QueueUrl: stage.resources.dlq.url, MessageBody: JSON.stringify(message) }));
    // Act
    const letter = (await deadLetters()).find(
      (l) => l.messageAttributes !== undefined && JSON.stringify(l).includes(message.order.id),
    );
    // Assert
    expect((letter as { holds?: unknown } | undefined)?.holds).toEqual({
      reservations: [],
      payment: { status: "POSTED", amountCents: 300 },
      stuck: `payment posted by ${payer}, not yet credited to ${payee}`,
    });
  });

  it("compensates a saga stopped part-way before it discards its message", async () => {
    // Arrange: the processor reserved the stock, then died before holding the payment.
    const sku = uniqueOrderId("sku").slice(0, 48);
    await stockLedger().setOnHand(sku, 5, new Date().toISOString());
    const message = anOrderMessage(anOrderWithItems([{ sku, quantity: 2, unitPrice: 10 }]));
    crashes().arm(2, "before"); // claim, reserve, then the hold
    const { batchItemFailures } = await processBatch(sqsEvent([sqsRecord(JSON.stringify(message))]), lambdaContext());
    crashes().disarm();
    expect(batchItemFailures).toHaveLength(1);
    expect(await stockLedger().find(sku)).toMatchObject({ reserved: 2 });
    // SQS gives up on it after three receives.
    await sqs.send(new SendMessageCommand({ QueueUrl: stage.resources.dlq.url, MessageBody: JSON.stringify(message) }));
    const letter = (await deadLetters()).find(
      (l) => l.messageAttributes !== undefined && JSON.stringify(l).includes(message.order.id),
    );
    const id = letter?.messageId ?? "";
    // The console shows what the part-done saga holds.
    expect((letter as { holds?: unknown } | undefined)?.holds).toEqual({
      reservations: [{ sku, quantity: 2, status: "HELD" }],
    });
    // Act
    const discarded = await call(admin.discard, post(`/admin/dlq/${id}/discard`, { reason: "customer gave up" }, id));
    // Assert
    expect(discarded.body).toEqual({ messageId: id, status: "DISCARDED" });
    expect(await stockLedger().find(sku)).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
    const history = await orderRepository().findHistory(message.order.id);
    expect(history?.original).toMatchObject({ status: "FAILED", failure: { code: "DISCARDED" } });
    const { body: audit } = await call(admin.audit, get("/admin/audit"));
    expect(audit.entries[0]).toMatchObject({
      action: "DISCARD",
      detail: "customer gave up (saga compensated: FAILED)",
    });
  });

  it("publishes a cancelled order's events before it discards its cancellation, and refuses one still CANCELLING", async () => {
    // Arrange: a confirmed order, marked CANCELLING, whose cancellation is in the DLQ. Its payer is its own, funded
    // here: the demo payer's balance depends on what the tests before it confirmed.
    const payer = `9${String(Date.now()).slice(-6)}`;
    await accountLedger().open(payer, new Date().toISOString());
    await accountLedger().deposit(payer, "dlq-admin-test", 1_000_000, new Date().toISOString());
    const message = anOrderMessage(anOrder({ fromAccount: payer }));
    await processBatch(sqsEvent([sqsRecord(JSON.stringify(message))]), lambdaContext());
    const orderId = message.order.id;
    const cancel = { kind: "cancel", orderId, reason: "changed my mind", requestedAt: new Date().toISOString() };
    const original = (await orderRepository().findHistory(orderId))?.original;
    if (!original) throw new Error("the order was not recorded");
    await orderRepository().markCancelling(original, { reason: cancel.reason, requestedAt: cancel.requestedAt });
    const body = JSON.stringify(cancel);
    const letterOf = async () => (await deadLetters()).find((l) => JSON.stringify(l).includes(orderId));
    await sqs.send(new SendMessageCommand({ QueueUrl: stage.resources.dlq.url, MessageBody: body }));
    const still = (await letterOf())?.messageId ?? "";
    // Act and assert: while the order is CANCELLING the discard is refused, and the message stays.
    const refused = await call(admin.discard, post(`/admin/dlq/${still}/discard`, { reason: "not wanted" }, still));
    expect(refused, JSON.stringify(refused)).toMatchObject({ status: 409, body: { error: "CANCELLATION_UNFINISHED" } });
    expect((await letterOf())?.messageId).toBe(still);
    // The cancellation runs to its end; a copy of its message is then discarded: the events go out first.
    await processBatch(sqsEvent([sqsRecord(body)]), lambdaContext());
    const discarded = await call(admin.discard, post(`/admin/dlq/${still}/discard`, { reason: "done twice" }, still));
    expect(discarded.status).toBe(200);
    const published: string[] = [];
    const cancelledEvents = () => published.filter((type) => type === "OrderCancelled").length;
    // Until both copies are seen: they may come in different receives.
    for (let poll = 0; poll < 20 && cancelledEvents() < 2; poll++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: stage.resources.notificationsQueue.url, MaxNumberOfMessages: 10 }),
      );
      for (const m of Messages) {
        const event = JSON.parse(m.Body ?? "{}");
        if (event.orderId === orderId) published.push(event.type);
      }
    }
    // Published by the cancellation's run, then again by the discard: the same two events each time.
    expect(cancelledEvents()).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ["no token", {}],
    ["a wrong token", { authorization: "Bearer wrong-token-of-another-length" }],
    ["a wrong token of the right length", { authorization: `Bearer ${"x".repeat(TEST_ADMIN_TOKEN.length)}` }],
    ["another scheme", { authorization: `Basic ${TEST_ADMIN_TOKEN}` }],
  ])("answers 401 on every admin route with %s", async (_name, headers) => {
    const events: [keyof typeof admin, APIGatewayProxyEventV2][] = [
      ["list", get("/admin/dlq", headers)],
      ["redrive", post("/admin/dlq/redrive", { all: true }, undefined, headers)],
      ["edit", post("/admin/dlq/x/edit", { order: {} }, "x", headers)],
      ["dryRun", post("/admin/dlq/x/dry-run", undefined, "x", headers)],
      ["discard", post("/admin/dlq/x/discard", { reason: "nope" }, "x", headers)],
      ["audit", get("/admin/audit", headers)],
    ];
    for (const [name, event] of events) {
      const { status, body } = await call(admin[name], event);
      expect(status, name).toBe(401);
      expect(body.error).toBe("UNAUTHORIZED");
    }
  });
});
