import { GetQueueAttributesCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { OrderMessage } from "../domain/order.ts";
import type { DeadLetterQueue, OrderQueue } from "../ports.ts";
import { guarded } from "./dependency-errors.ts";

async function visibleMessages(client: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}

/** `OrderQueue` over OrdersQueue. */
export class SqsOrderQueue implements OrderQueue {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.#client = client;
    this.#queueUrl = queueUrl;
  }

  enqueue(message: OrderMessage): Promise<void> {
    return guarded("queue", "enqueue order", async () => {
      await this.#client.send(
        new SendMessageCommand({
          QueueUrl: this.#queueUrl,
          MessageBody: JSON.stringify(message),
          // Attributes let operators and the console see whose message it is
          // without parsing the body.
          MessageAttributes: {
            orderId: { DataType: "String", StringValue: message.order.id },
            submissionId: { DataType: "String", StringValue: message.submissionId },
            channel: { DataType: "String", StringValue: message.channel },
          },
        }),
      );
    });
  }

  ping(): Promise<void> {
    return guarded("queue", "ping", async () => {
      await visibleMessages(this.#client, this.#queueUrl);
    });
  }
}

/** `DeadLetterQueue` over OrdersDlq. */
export class SqsDeadLetterQueue implements DeadLetterQueue {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.#client = client;
    this.#queueUrl = queueUrl;
  }

  depth(): Promise<number> {
    return guarded("queue", "read depth", () => visibleMessages(this.#client, this.#queueUrl));
  }
}
