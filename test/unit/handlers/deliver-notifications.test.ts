import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { claimWrite } from "@orders/core/adapters/table-writes";
import { orderEventsOf } from "@orders/core/domain/order-events";
import { handler } from "@orders/functions/queue/deliver-notifications";
import { anOrderRecord, lambdaContext, sqsEvent, sqsRecord } from "@orders/harness/factories";
import { linked } from "@orders/harness/linked-resources";
import { beforeEach, describe, expect, it } from "vitest";
import { mockedClients } from "../../helpers/mocked-clients.ts";
import { storedCircuit } from "../../helpers/stored-items.ts";

const { dynamo, sqs } = mockedClients({ dynamo: DynamoDBDocumentClient, sqs: SQSClient });

/** A webhook item as ElectroDB stores it. */
const webhookItem = (accountId: string, url: string) => ({
  pk: `$orders#accountId_${accountId}`,
  sk: "$webhook_1",
  accountId,
  url,
  secret: "whsec_unit",
  updatedAt: "2026-12-02T00:00:00.000Z",
  __edb_e__: "webhook",
  __edb_v__: "1",
});

const record = anOrderRecord({ amountCents: 2580, status: "CONFIRMED" });
const [event] = orderEventsOf(record);
const body = JSON.stringify(event);
/** The order's item, as the processor's hand-built claim writes it (ElectroDB's own format). */
const orderItem = claimWrite(linked.OrdersTable.name, { ...record, sweepShard: 0 }).Item ?? {};
const run = (...records: ReturnType<typeof sqsRecord>[]) => handler(sqsEvent(records), lambdaContext("notifier"));
const updates = () => dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);

beforeEach(() => {
  dynamo.on(QueryCommand).resolves({ Items: [orderItem] });
  dynamo.on(UpdateCommand).resolves({});
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
});

describe("Notifier handler", () => {
  it("records NO_WEBHOOK for a payer without one, reading only the small webhook item", async () => {
    dynamo.on(GetCommand).resolves({});
    expect(await run(sqsRecord(body))).toEqual({ batchItemFailures: [] });
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      TableName: linked.OrdersTable.name,
      Key: { pk: "$orders#accountId_1111111", sk: "$webhook_1" },
    });
    expect(updates()).toHaveLength(1);
    expect(updates()[0]?.ExpressionAttributeValues).toEqual(expect.objectContaining({ ":status_u0": "NO_WEBHOOK" }));
    expect(sqs).not.toHaveReceivedCommand(ChangeMessageVisibilityCommand);
  });

  it("fails a record whose webhook cannot be reached, records why, and delays its retry on NotificationsQueue", async () => {
    // `.invalid` never resolves (RFC 2606): the delivery fails before any byte is sent.
    dynamo.on(GetCommand).resolves({ Item: webhookItem("1111111", "https://hooks.invalid/orders") });
    const record = sqsRecord(body, 2);
    expect(await run(record)).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    // The claim, the failed try on the delivery record, and the failure log.
    const statuses = updates().map((input) => input.ExpressionAttributeValues?.[":status_u0"]);
    expect(statuses.slice(0, 2)).toEqual(["SENDING", "RETRYING"]);
    expect(updates()[2]?.ExpressionAttributeValues).toMatchObject({ ":code_u0": "NOTIFICATION_NOT_DELIVERED" });
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, {
      QueueUrl: linked.NotificationsQueue.url,
      ReceiptHandle: record.receiptHandle,
    });
    const delay = sqs.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input.VisibilityTimeout ?? 0;
    // Try 2 of the Notifier's policy: 4 × 2² seconds, less at most half for jitter.
    expect(delay).toBeGreaterThanOrEqual(8);
    expect(delay).toBeLessThanOrEqual(16);
  });

  it("fails a body that is no order event at once, with no write, so it reaches NotificationsDlq", async () => {
    const record = sqsRecord('{"hello":"world"}');
    expect(await run(record, sqsRecord("not json"))).toMatchObject({ batchItemFailures: [{}, {}] });
    expect(dynamo).not.toHaveReceivedCommand(GetCommand);
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, { VisibilityTimeout: 0 });
  });

  it("queues again, delayed, an event whose endpoint's circuit is open, and succeeds its record without a try spent", async () => {
    // Arrange: the webhook, and its circuit opened a moment ago with its probe 10 minutes away.
    const probeAt = new Date(Date.now() + 600_000).toISOString();
    const circuit = storedCircuit("1111111", {
      url: "https://hooks.example.com/orders",
      state: "OPEN",
      consecutiveFailures: 5,
      opens: 1,
      openedAt: new Date().toISOString(),
      probeAt,
      updatedAt: new Date().toISOString(),
      version: 5,
    });
    dynamo.on(GetCommand, { Key: { pk: "$orders#accountId_1111111", sk: "$webhook_1" } }).resolves({
      Item: webhookItem("1111111", "https://hooks.example.com/orders"),
    });
    dynamo.on(GetCommand, { Key: { pk: circuit.pk, sk: circuit.sk } }).resolves({ Item: circuit });
    sqs.on(SendMessageCommand).resolves({});
    const record = sqsRecord(body, 4);
    // Act
    const response = await run(record);
    // Assert
    expect(response).toEqual({ batchItemFailures: [] });
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    const sent = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(sent).toMatchObject({ QueueUrl: linked.NotificationsQueue.url, MessageBody: body });
    expect(sent?.DelaySeconds).toBeGreaterThanOrEqual(599);
    expect(sent?.DelaySeconds).toBeLessThanOrEqual(603);
    expect(updates().map((input) => input.ExpressionAttributeValues?.[":status_u0"])).toEqual(["WAITING"]);
    expect(sqs).not.toHaveReceivedCommand(ChangeMessageVisibilityCommand);
  });
});
