import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ChangeMessageVisibilityCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { linkedEnvironment } from "../test/helpers/linked-resources.ts";
import { round } from "./stats.ts";

/**
 * The CPU our code spends per order: records through the real OrdersProcessor
 * handler with mocked SDK clients, against a bare loop that only parses and
 * makes the same calls on the same mocked clients.
 */
export async function processorCpu(records: number) {
  Object.assign(process.env, linkedEnvironment());
  const dynamo = mockClient(DynamoDBDocumentClient);
  const s3 = mockClient(S3Client);
  const sqs = mockClient(SQSClient);
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
  s3.on(PutObjectCommand).resolves({});
  sqs.on(ChangeMessageVisibilityCommand).resolves({});

  const { handler } = await import("../packages/functions/src/queue/process-orders.ts");
  const { lambdaContext } = await import("../test/helpers/factories.ts");
  const batch = (offset: number): SQSEvent => ({
    Records: Array.from({ length: 10 }, (_, i): SQSRecord => {
      const n = offset + i;
      const body = JSON.stringify({
        submissionId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
        receivedAt: new Date().toISOString(),
        channel: "web",
        order: { id: `cpu-${n}`, amount: 10 + (n % 90), fromAccount: "1111111", toAccount: "7777777" },
      });
      return {
        messageId: `m-${n}`,
        receiptHandle: `r-${n}`,
        body,
        attributes: { ApproximateReceiveCount: "1" },
      } as unknown as SQSRecord;
    }),
  });

  const time = async (run: (event: SQSEvent) => Promise<unknown>) => {
    for (let i = 0; i < 50; i++) await run(batch(i * 10)); // warm up
    const started = performance.now();
    for (let i = 0; i < records / 10; i++) await run(batch(i * 10));
    return round(records / ((performance.now() - started) / 1000), 0);
  };

  const document = DynamoDBDocumentClient.from(new (await import("@aws-sdk/client-dynamodb")).DynamoDBClient({}));
  const bucket = new S3Client({});
  const bare = async (event: SQSEvent) =>
    Promise.all(
      event.Records.map(async (record) => {
        const message = JSON.parse(record.body) as { order: { id: string } };
        await document.send(
          new PutCommand({
            TableName: "orders-test-table",
            Item: { pk: message.order.id, sk: "o" },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        );
        await bucket.send(
          new PutObjectCommand({
            Bucket: "orders-test-bucket",
            Key: `orders/${message.order.id}.json`,
            Body: record.body,
          }),
        );
      }),
    );
  const context = lambdaContext("OrdersProcessor");
  const handlerPerSecond = await time((event) => handler(event, context));
  const barePerSecond = await time(bare);
  return { records, handlerPerSecond, barePerSecond, ratio: round(handlerPerSecond / barePerSecond, 2) };
}
