import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { queueDepth } from "@orders/core/adapters/sqs-queue-depth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulators, startEmulators } from "../../packages/local/src/emulators.ts";

// `npm start` keeps the queues on disk. fauxqs 2.4.1 lost a message whose
// visibility was set to 0 there (emulators.ts patches the write): the last
// attempt of a failing order, and every DLQ message a listing released.
let emulators: Emulators;
let sqs: SQSClient;
const dataDir = mkdtempSync(join(tmpdir(), "orders-queues-"));

beforeAll(async () => {
  emulators = await startEmulators({ sqsS3Port: 0, dynamoPort: 0, dataDir });
  sqs = new SQSClient({
    endpoint: emulators.sqsS3Endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    useQueueUrlAsEndpoint: false,
  });
});
afterAll(async () => {
  await emulators?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function queues() {
  const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: `dlq-${Date.now()}` }))).QueueUrl ?? "";
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["QueueArn"] }));
  const redrive = JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: 3 });
  const queue =
    (await sqs.send(new CreateQueueCommand({ QueueName: `q-${Date.now()}`, Attributes: { RedrivePolicy: redrive } })))
      .QueueUrl ?? "";
  return { queue, dlq };
}

const receive = async (url: string) =>
  (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 })))
    .Messages ?? [];
const release = (url: string, receiptHandle = "") =>
  sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: receiptHandle, VisibilityTimeout: 0 }));

describe("the local queues kept on disk", () => {
  it("give a message released with visibility 0 back at once, and move it to the DLQ after its last receive", async () => {
    const { queue, dlq } = await queues();
    await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: "a failing order" }));
    for (let receives = 1; receives <= 3; receives++) {
      const [message] = await receive(queue);
      expect(message?.Body, `receive ${receives}`).toBe("a failing order");
      await release(queue, message?.ReceiptHandle);
    }
    expect(await receive(queue)).toEqual([]);
    expect(await queueDepth(sqs, queue)).toBe(0);
    expect(await queueDepth(sqs, dlq)).toBe(1);
    // A DLQ listing receives and releases: the letter is still there after.
    const [letter] = await receive(dlq);
    await release(dlq, letter?.ReceiptHandle);
    expect((await receive(dlq)).map((m) => m.Body)).toEqual(["a failing order"]);
  });
});
