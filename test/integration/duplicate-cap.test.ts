import { QueryCommand } from "@aws-sdk/client-dynamodb";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { DUPLICATE_ITEM_MAX_BYTES, MAX_STORED_DUPLICATES } from "@orders/core/domain/duplicates";
import { anOrder, anOrderMessage, uniqueOrderId } from "@orders/harness/factories";
import { itemSizeBytes } from "@orders/harness/item-size";
import { localStage } from "@orders/harness/local-stage";
import { describe, expect, inject, it } from "vitest";
import { queueDepth, queuePump } from "../helpers/queue-pump.ts";

const stage = await localStage({ sqsS3Endpoint: inject("sqsS3Endpoint"), dynamoEndpoint: inject("dynamoEndpoint") });
const { handler: processBatch } = await import("@orders/functions/queue/process-orders");
const { orderRepository } = await import("@orders/functions/composition/table");

const { sqs, dynamo } = stage.clients;
const pump = queuePump(sqs, stage.resources.queue, processBatch);
const processedAll = async () => (await queueDepth(sqs, stage.resources.queue.url)) === 0;

const CAP = MAX_STORED_DUPLICATES;
/** A marker is its keys, the submission id and a time: 273 bytes with this test's 35-character id, ~330 with 64. */
const MARKER_ITEM_BOUND = 384;

async function send(bodies: string[]) {
  for (let i = 0; i < bodies.length; i += 10) {
    const entries = bodies.slice(i, i + 10).map((body, n) => ({ Id: String(n), MessageBody: body }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: stage.resources.queue.url, Entries: entries }));
  }
}

/** Every raw item under a partition key, as DynamoDB stores it. */
async function partition(pk: string) {
  const items = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: stage.resources.table,
        KeyConditionExpression: "#pk = :pk",
        ExpressionAttributeNames: { "#pk": "pk" },
        ExpressionAttributeValues: { ":pk": { S: pk } },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return items;
}

describe("duplicates of one order id, capped and bounded", () => {
  it("keeps at most 20 small duplicate records of 200 padded ones, counts the rest once each, and reads fast", async () => {
    // Arrange: an original, then 200 duplicates padded to ~60 KB (a tenth the same as the original), and a
    // second delivery of 10 stored and 10 counted duplicates.
    const order = anOrder({ id: uniqueOrderId("dup-cap") });
    await send([JSON.stringify(anOrderMessage(order))]);
    await pump.until(processedAll);
    const duplicates = Array.from({ length: 200 }, (_, n) =>
      JSON.stringify(anOrderMessage(n % 10 === 0 ? { ...order } : { ...order, note: `${n}`.padEnd(60_000, "x") })),
    );
    // Act
    await send(duplicates.slice(0, CAP));
    await pump.until(processedAll, 60_000);
    await send([...duplicates.slice(CAP), ...duplicates.slice(0, 10), ...duplicates.slice(CAP, CAP + 10)]);
    await pump.until(processedAll, 120_000);
    // Assert: what is stored
    const items = await partition(`$orders#orderId_${order.id}`);
    const records = items.filter((item) => item.sk?.S?.startsWith("$orderHistory#orderDuplicate"));
    const original = items.find((item) => item.sk?.S === "$orderHistory#order_1");
    const markers = await partition(`$orders#duplicateOf_${order.id}`);
    const sizes = records.map(itemSizeBytes);
    const figures = {
      backend: inject("dynamoBackend"),
      duplicateRecords: records.length,
      largestDuplicateRecord: Math.max(...sizes),
      originalItem: original ? itemSizeBytes(original) : 0,
      partitionBytes: items.reduce((sum, item) => sum + itemSizeBytes(item), 0),
      markers: markers.length,
      largestMarker: Math.max(0, ...markers.map(itemSizeBytes)),
    };
    // Assert: what a read of the order loads, and how long it takes
    const started = performance.now();
    for (let i = 0; i < 5; i++) await orderRepository().findHistory(order.id);
    const readMs = (performance.now() - started) / 5;
    const history = await orderRepository().findHistory(order.id);
    console.info("duplicate cap figures", { ...figures, readMs: Math.round(readMs * 10) / 10 });

    expect(records).toHaveLength(CAP);
    expect(figures.largestDuplicateRecord).toBeLessThanOrEqual(DUPLICATE_ITEM_MAX_BYTES);
    expect(figures.originalItem).toBeLessThanOrEqual(4096);
    expect(markers).toHaveLength(200 - CAP);
    expect(figures.largestMarker).toBeLessThanOrEqual(MARKER_ITEM_BOUND);
    expect(history?.duplicates).toHaveLength(CAP);
    // Each counted once, though 10 of them were delivered twice.
    expect(history).toMatchObject({ duplicatesNotStored: 200 - CAP });
    const submissionIds = duplicates.map((body) => JSON.parse(body).submissionId as string);
    expect(history?.duplicates.map((d) => d.submissionId).sort()).toEqual(submissionIds.slice(0, CAP).sort());
    expect(history?.duplicates.filter((d) => d.sameAsOriginal)).toHaveLength(2);
    expect(JSON.stringify(history).length).toBeLessThan(32 * 1024);
  });
});
