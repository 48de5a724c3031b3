import { CreateBucketCommand, DeleteBucketCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { anOrder, lambdaContext, postJson } from "@orders/harness/factories";
import { localStage } from "@orders/harness/local-stage";
import { describe, expect, inject, it } from "vitest";
import { queueDepth, queuePump } from "../helpers/queue-pump.ts";

const stage = await localStage({ sqsS3Endpoint: inject("sqsS3Endpoint"), dynamoEndpoint: inject("dynamoEndpoint") });
const { handler: submit } = await import("@orders/functions/api/submit-order");
const { handler: processBatch } = await import("@orders/functions/queue/process-orders");
const { orderRepository } = await import("@orders/functions/composition/table");
const { sqs, s3 } = stage.clients;
const { queue, dlq, bucket } = stage.resources;
const pump = queuePump(sqs, queue, processBatch);

async function receiveFromDlq() {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  return Messages;
}

describe("a transient S3 outage", () => {
  it("retries with backoff, parks the order in the DLQ, and records it exactly once after redrive", async () => {
    // Arrange: the archive is down.
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    const order = anOrder();
    const response = await submit(postJson("/orders", order), lambdaContext());
    expect(response.statusCode).toBe(202);

    // Act 1: three failed attempts, spaced by the backoff, then the DLQ.
    const parked: string[] = [];
    // Three receives spaced by the backoff take 10-20 s alone; on a loaded machine (and on moto, the slower
    // backend) the pump's default 30 s was seen to run out.
    await pump.until(async () => {
      parked.push(...(await redriveCandidates()));
      return parked.length > 0;
    }, 60_000);

    // Assert 1: the record exists (written before the archive), the object does not, and the
    // saga waits: it starts only once the order is archived.
    expect(JSON.parse(parked[0] ?? "null").order).toEqual(order);
    const recorded = await orderRepository().findHistory(order.id);
    expect(recorded?.original.status).toBe("PENDING");

    // Act 2: the archive is back; redrive, twice over as a careless operator might.
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: parked[0] }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: parked[0] }));
    await pump.until(async () => (await queueDepth(sqs, queue.url)) === 0);

    // Assert 2: one original, no duplicate, and the archived JSON equals what was sent.
    const history = await orderRepository().findHistory(order.id);
    expect(history?.duplicates).toEqual([]);
    expect(history?.original.submissionId).toBe(recorded?.original.submissionId);
    expect(history?.original.status).toBe("CONFIRMED");
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `orders/${order.id}.json` }));
    expect(JSON.parse((await object.Body?.transformToString()) ?? "null")).toEqual(order);
    expect(await receiveFromDlq()).toEqual([]);
  }, 120_000);
});

async function redriveCandidates(): Promise<string[]> {
  const messages = await receiveFromDlq();
  for (const message of messages) {
    await sqs.send(new DeleteMessageCommand({ QueueUrl: dlq.url, ReceiptHandle: message.ReceiptHandle }));
  }
  return messages.map((message) => message.Body ?? "");
}
