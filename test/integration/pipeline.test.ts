import { GetObjectCommand } from "@aws-sdk/client-s3";
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import {
  anOrder,
  apiEvent,
  lambdaContext,
  postJson,
  sqsEvent,
  TEST_OPERATOR,
  uniqueOrderId,
} from "@orders/harness/factories";
import { localStage } from "@orders/harness/local-stage";
import { describe, expect, inject, it } from "vitest";
import { queueDepth, queuePump } from "../helpers/queue-pump.ts";

const stage = await localStage({ sqsS3Endpoint: inject("sqsS3Endpoint"), dynamoEndpoint: inject("dynamoEndpoint") });
const { handler: submit } = await import("@orders/functions/api/submit-order");
const { handler: processBatch } = await import("@orders/functions/queue/process-orders");
const { handler: get } = await import("@orders/functions/api/get-order");
const { orderRepository } = await import("@orders/functions/composition/table");

const { sqs, s3 } = stage.clients;
const pump = queuePump(sqs, stage.resources.queue, processBatch);

async function post(order: unknown) {
  const response = await submit(postJson("/orders", order), lambdaContext());
  expect(response.statusCode).toBe(202);
  return JSON.parse(response.body ?? "null") as { id: string; submissionId: string };
}

async function lookup(id: string) {
  const response = await get(
    apiEvent({ method: "GET", path: `/orders/${id}`, pathParameters: { id }, caller: TEST_OPERATOR }),
    lambdaContext(),
  );
  return { status: response.statusCode, body: JSON.parse(response.body ?? "null") };
}

const processedAll = async () => (await queueDepth(sqs, stage.resources.queue.url)) === 0;

/** What the event source mapping does after a successful invocation. */
async function acknowledge(messages: Message[]): Promise<void> {
  for (const message of messages) {
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: stage.resources.queue.url, ReceiptHandle: message.ReceiptHandle }),
    );
  }
}

async function dlqHas(body: string): Promise<boolean> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: stage.resources.dlq.url, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
  );
  return Messages.some((m) => m.Body === body);
}

describe("the order pipeline against the emulators", () => {
  it("records a valid order as the accepted original and archives exactly what was sent", async () => {
    // Arrange
    const order = anOrder();
    // Act
    await post(order);
    await pump.until(processedAll);
    // Assert
    const { status, body } = await lookup(order.id);
    expect(status).toBe(200);
    expect(body.order).toMatchObject({ id: order.id, valid: true, isDuplicate: false, status: "CONFIRMED" });
    const object = await s3.send(
      new GetObjectCommand({ Bucket: stage.resources.bucket, Key: `orders/${order.id}.json` }),
    );
    expect(JSON.parse((await object.Body?.transformToString()) ?? "null")).toEqual(order);
    const download = await fetch(body.jsonUrl);
    expect(await download.json()).toEqual(order);
  });

  it("records an invalid order as rejected with its reasons, and archives nothing", async () => {
    const order = anOrder({ amount: -5, toAccount: "12" });
    await post(order);
    await pump.until(processedAll);
    const { body } = await lookup(order.id);
    expect(body.order).toMatchObject({ valid: false, status: "REJECTED" });
    expect(body.order.errors.map((e: { field: string }) => e.field).sort()).toEqual(["amount", "toAccount"]);
    expect(body.jsonUrl).toBeUndefined();
  });

  it("gives each later submission its own duplicate record, saying whether it matches", async () => {
    const order = anOrder();
    await post(order);
    await pump.until(processedAll);
    const same = await post({ ...order });
    const changed = await post({ ...order, amount: 1 });
    await pump.until(processedAll);
    const { body } = await lookup(order.id);
    expect(body.order.isDuplicate).toBe(false);
    const bySubmission = Object.fromEntries(
      body.duplicates.map((d: { submissionId: string; sameAsOriginal: boolean }) => [d.submissionId, d.sameAsOriginal]),
    );
    expect(bySubmission).toEqual({ [same.submissionId]: true, [changed.submissionId]: false });
  });

  it("treats ids that differ only in case as two orders", async () => {
    const lower = uniqueOrderId("case");
    const upper = lower.toUpperCase();
    await post(anOrder({ id: lower }));
    await post(anOrder({ id: upper }));
    await pump.until(processedAll);
    for (const id of [lower, upper]) {
      const { body } = await lookup(id);
      expect(body.order).toMatchObject({ id, isDuplicate: false });
      expect(body.duplicates).toEqual([]);
    }
  });

  it("changes nothing when the same message is delivered again", async () => {
    // Arrange: receive a real message and process it twice, as a redelivery would.
    const order = anOrder();
    await post(order);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stage.resources.queue.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    const message = Messages.find((m) => m.Body?.includes(order.id));
    expect(message).toBeDefined();
    const record = {
      messageId: message?.MessageId ?? "",
      receiptHandle: message?.ReceiptHandle ?? "",
      body: message?.Body ?? "",
      attributes: { ApproximateReceiveCount: "1" },
    } as never;
    // Act
    const first = await processBatch(sqsEvent([record]), lambdaContext());
    const before = await orderRepository().findHistory(order.id);
    const second = await processBatch(sqsEvent([record]), lambdaContext());
    // Assert
    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    expect(await orderRepository().findHistory(order.id)).toEqual(before);
    expect(before?.duplicates).toEqual([]);
    await acknowledge(Messages);
  });

  it("makes exactly one original out of 20 concurrent submissions of one id", async () => {
    const id = uniqueOrderId("concurrent");
    await Promise.all(Array.from({ length: 20 }, () => post(anOrder({ id }))));
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: stage.resources.queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const more = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: stage.resources.queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const all = [...Messages, ...(more.Messages ?? [])].filter((m) => m.Body?.includes(id));
    expect(all).toHaveLength(20);
    // Twenty single-record invocations at once, like twenty concurrent Lambdas.
    const results = await Promise.all(
      all.map((m) =>
        processBatch(
          sqsEvent([{ messageId: m.MessageId, receiptHandle: m.ReceiptHandle, body: m.Body, attributes: {} } as never]),
          lambdaContext(),
        ),
      ),
    );
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
    await acknowledge(all);
    const history = await orderRepository().findHistory(id);
    expect(history?.original.isDuplicate).toBe(false);
    expect(history?.duplicates).toHaveLength(19);
  });

  it("moves a message that can never succeed to the DLQ after 3 receives, body intact", async () => {
    // Arrange
    const body = `not json ${uniqueOrderId()}`;
    await sqs.send(new SendMessageCommand({ QueueUrl: stage.resources.queue.url, MessageBody: body }));
    // Act
    await pump.until(() => dlqHas(body));
    // Assert
    expect(await processedAll()).toBe(true);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stage.resources.dlq.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    const dead = Messages.find((m) => m.Body === body);
    expect(dead).toBeDefined();
    expect(Number(dead?.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(3);
  });
});
