import { randomUUID } from "node:crypto";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startEmulators } from "../packages/local/src/emulators.ts";
import { localCredentials } from "../packages/local/src/environment.ts";
import { provision } from "../packages/local/src/provision.ts";
import { pool, progress, round } from "./stats.ts";

/**
 * The emulators' own ceiling: per order the same AWS calls the pipeline makes
 * (SendMessage; batched receive and delete; one PutItem; one PutObject), made
 * straight against the emulators with none of our code in between.
 */
export async function ceiling(options: { orders: number; concurrency: number; consumers: number }) {
  const emulators = await startEmulators({ sqsS3Port: 0, dynamoPort: 0 });
  Object.assign(process.env, localCredentials());
  try {
    const clients = {
      dynamo: new DynamoDBClient({ endpoint: emulators.dynamoEndpoint }),
      s3: new S3Client({ endpoint: emulators.sqsS3Endpoint, forcePathStyle: true }),
      sqs: new SQSClient({ endpoint: emulators.sqsS3Endpoint, useQueueUrlAsEndpoint: false }),
    };
    const resources = await provision(clients, `ceiling-${randomUUID().slice(0, 6)}`);
    const show = progress("ceiling");
    let consumed = 0;
    const started = Date.now();

    const produce = pool(
      Array.from({ length: options.orders }, (_, i) => i),
      options.concurrency,
      async (i) => {
        const body = JSON.stringify({ id: `c-${i}`, amount: 10, fromAccount: "1111111", toAccount: "7777777" });
        await clients.sqs.send(new SendMessageCommand({ QueueUrl: resources.queue.url, MessageBody: body }));
      },
    );
    const consume = Promise.all(
      Array.from({ length: options.consumers }, async () => {
        while (consumed < options.orders) {
          const { Messages = [] } = await clients.sqs.send(
            new ReceiveMessageCommand({ QueueUrl: resources.queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
          );
          await Promise.all(
            Messages.map(async (message) => {
              const order = JSON.parse(message.Body ?? "{}") as { id: string };
              await clients.dynamo.send(
                new PutItemCommand({
                  TableName: resources.table,
                  Item: { pk: { S: order.id }, sk: { S: "order" }, payload: { S: message.Body ?? "" } },
                  ConditionExpression: "attribute_not_exists(pk)",
                }),
              );
              await clients.s3.send(
                new PutObjectCommand({ Bucket: resources.bucket, Key: `orders/${order.id}.json`, Body: message.Body }),
              );
            }),
          );
          if (Messages.length) {
            await clients.sqs.send(
              new DeleteMessageBatchCommand({
                QueueUrl: resources.queue.url,
                Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
              }),
            );
          }
          consumed += Messages.length;
          show(consumed, options.orders);
        }
      }),
    );
    await Promise.all([produce, consume]);
    return { orders: options.orders, ordersPerSecond: round(options.orders / ((Date.now() - started) / 1000)) };
  } finally {
    await emulators.stop();
  }
}
