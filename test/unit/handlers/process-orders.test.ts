import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PublishBatchCommand, SNSClient } from "@aws-sdk/client-sns";
import { ChangeMessageVisibilityCommand, SQSClient } from "@aws-sdk/client-sqs";
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { accountKey } from "@orders/core/adapters/table-writes";
import { metrics } from "@orders/functions/metrics";
import { handler } from "@orders/functions/queue/process-orders";
import { anOrder, anOrderMessage, lambdaContext, sqsEvent, sqsRecord } from "@orders/harness/factories";
import { linked } from "@orders/harness/linked-resources";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mockedClients } from "../../helpers/mocked-clients.ts";

const { dynamo, s3, sqs, sns } = mockedClients({
  dynamo: DynamoDBDocumentClient,
  s3: S3Client,
  sqs: SQSClient,
  sns: SNSClient,
});

/** Both accounts of the factories' orders exist, as ElectroDB stores them. */
const account = (accountId: string) => ({
  ...accountKey(accountId),
  accountId,
  __edb_e__: "account",
  __edb_v__: "1",
});

beforeEach(() => {
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
  dynamo.on(BatchGetCommand).resolves({
    Responses: { [linked.OrdersTable.name]: [account("1111111"), account("7777777")] },
    UnprocessedKeys: {},
  });
  s3.on(PutObjectCommand).resolves({});
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
  sns.on(PublishBatchCommand).resolves({ Successful: [], Failed: [] });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const run = (...records: ReturnType<typeof sqsRecord>[]) => handler(sqsEvent(records), lambdaContext("processor"));
const putItems = () => dynamo.commandCalls(PutCommand).map((call) => call.args[0].input.Item);

describe("OrdersProcessor handler", () => {
  it("writes one record, one S3 object and the saga's effects for a valid order, and nothing else", async () => {
    // Arrange
    const message = anOrderMessage();
    // Act
    const result = await run(sqsRecord(JSON.stringify(message)));
    // Assert
    expect(result).toEqual({ batchItemFailures: [] });
    expect(dynamo).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, { TableName: linked.OrdersTable.name });
    expect(putItems()[0]).toMatchObject({ orderId: message.order.id, valid: true, isDuplicate: false });
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 1);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: linked.OrdersBucket.name,
      Key: `orders/${message.order.id}.json`,
      Body: JSON.stringify(message.order),
    });
    // The transfer: check both accounts, hold, post, credit the payee, resolve the order.
    expect(dynamo).toHaveReceivedCommandTimes(BatchGetCommand, 1);
    expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 4);
    expect(dynamo.calls()).toHaveLength(6);
  });

  it("writes a rejected record with reasons and no S3 object for an invalid order", async () => {
    const message = anOrderMessage(anOrder({ amount: -5 }));
    const result = await run(sqsRecord(JSON.stringify(message)));
    expect(result.batchItemFailures).toEqual([]);
    expect(putItems()[0]).toMatchObject({ valid: false, status: "REJECTED" });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it("writes a duplicate record when the original is taken, using the item DynamoDB returns", async () => {
    // Arrange
    const order = anOrder();
    const original = {
      orderId: order.id,
      submissionId: "11111111-1111-4111-8111-111111111111",
      channel: "web",
      payload: JSON.stringify(order),
      valid: true,
      isDuplicate: false,
      errors: [],
      status: "ACCEPTED",
      receivedAt: "2026-01-01T00:00:00.000Z",
      processedAt: "2026-01-01T00:00:00.000Z",
      __edb_e__: "order",
      __edb_v__: "1",
    };
    dynamo
      .on(PutCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: "taken", $metadata: {}, Item: marshall(original) }))
      .resolves({});
    // Act
    const result = await run(sqsRecord(JSON.stringify(anOrderMessage({ ...order }))));
    // Assert
    expect(result.batchItemFailures).toEqual([]);
    expect(dynamo).toHaveReceivedCommandTimes(PutCommand, 2);
    expect(putItems()[1]).toMatchObject({ isDuplicate: true, status: "DUPLICATE", sameAsOriginal: true });
    // Admitted first, under the cap, by adding its submission id to the original's duplicateIds; no payload kept.
    expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input.UpdateExpression).toContain("ADD #duplicateIds");
    expect(putItems()[1]).not.toHaveProperty("payload");
    expect(putItems()[1]).toHaveProperty("payloadHash");
    expect(dynamo.calls()).toHaveLength(3);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it("fails only the record whose S3 write fails, and delays its retry", async () => {
    // Arrange
    const good = anOrderMessage();
    const bad = anOrderMessage();
    s3.on(PutObjectCommand, { Key: `orders/${bad.order.id}.json` }).rejects(new Error("SlowDown"));
    const badRecord = sqsRecord(JSON.stringify(bad), 1);
    // Act
    const result = await run(sqsRecord(JSON.stringify(good)), badRecord);
    // Assert
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: badRecord.messageId }]);
    expect(sqs).toHaveReceivedCommandTimes(ChangeMessageVisibilityCommand, 1);
    const delay = sqs.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input;
    expect(delay).toMatchObject({ QueueUrl: linked.OrdersQueue.url, ReceiptHandle: badRecord.receiptHandle });
    expect(delay?.VisibilityTimeout).toBeGreaterThanOrEqual(1);
    expect(delay?.VisibilityTimeout).toBeLessThanOrEqual(2);
    // The reason is recorded under the submission id, which survives redrives.
    const failures = dynamo
      .commandCalls(UpdateCommand)
      .map((call) => call.args[0].input)
      .filter((input) => JSON.stringify(input.Key).includes("failure"));
    expect(failures).toHaveLength(1);
    const failure = failures[0];
    expect(JSON.stringify(failure?.Key)).toContain(bad.submissionId);
    expect(failure?.ExpressionAttributeValues).toMatchObject({
      ":code_u0": "BUCKET_UNAVAILABLE",
      ":message_u0": "bucket: store order failed (Error)",
    });
  });

  it("counts confirmed, rejected and failed orders as metrics", async () => {
    const counted = vi.spyOn(metrics, "addMetric");
    s3.on(PutObjectCommand).rejectsOnce(new Error("SlowDown")).resolves({});
    await run(
      sqsRecord(JSON.stringify(anOrderMessage())),
      sqsRecord(JSON.stringify(anOrderMessage())),
      sqsRecord(JSON.stringify(anOrderMessage(anOrder({ amount: 0 })))),
    );
    const names = counted.mock.calls.map(([name]) => name).sort();
    expect(names).toEqual(["OrdersConfirmed", "OrdersRejected", "ProcessingFailures"]);
  });

  it.each([
    ["not JSON", "not json"],
    ["no order id", JSON.stringify({ ...anOrderMessage(), order: { amount: 1 } })],
    ["an empty body", ""],
  ])("fails a poison message (%s) at once, without writes, so it reaches the DLQ", async (_name, body) => {
    const poison = sqsRecord(body);
    const result = await run(poison, sqsRecord(JSON.stringify(anOrderMessage())));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: poison.messageId }]);
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, {
      ReceiptHandle: poison.receiptHandle,
      VisibilityTimeout: 0,
    });
    expect(dynamo).toHaveReceivedCommandTimes(PutCommand, 1);
  });

  it("keeps concurrent invocations' failures apart", async () => {
    // The local runtime runs several invocations at once in one process.
    const failing = anOrderMessage();
    // Slow enough that the second invocation starts while the first is still working.
    s3.on(PutObjectCommand, { Key: `orders/${failing.order.id}.json` }).callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error("SlowDown");
    });
    const bad = sqsRecord(JSON.stringify(failing));
    const poison = sqsRecord("not json");
    const [first, second] = await Promise.all([
      run(bad, sqsRecord(JSON.stringify(anOrderMessage()))),
      run(poison, sqsRecord(JSON.stringify(anOrderMessage()))),
    ]);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    expect(second.batchItemFailures).toEqual([{ itemIdentifier: poison.messageId }]);
  });

  it("still reports the failure when delaying the retry fails too", async () => {
    dynamo.on(PutCommand).rejects(new Error("ProvisionedThroughputExceeded"));
    sqs.on(ChangeMessageVisibilityCommand).rejects(new Error("down"));
    const record = sqsRecord(JSON.stringify(anOrderMessage()));
    const result = await run(record);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
  });
});
