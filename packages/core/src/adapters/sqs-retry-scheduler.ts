import { ChangeMessageVisibilityCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { RetryScheduler } from "../ports.ts";
import { guarded } from "./dependency-errors.ts";

/** `RetryScheduler` that hides a received message for a while. */
export class SqsRetryScheduler implements RetryScheduler {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.#client = client;
    this.#queueUrl = queueUrl;
  }

  retryAfter(receiptHandle: string, seconds: number): Promise<void> {
    return guarded("queue", "delay retry", async () => {
      await this.#client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.#queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    });
  }
}
