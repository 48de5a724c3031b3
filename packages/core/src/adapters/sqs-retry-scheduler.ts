import { ChangeMessageVisibilityCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { RetryScheduler } from "../ports.ts";
import { guarded } from "./dependency-errors.ts";
import { SdkAdapter } from "./sdk-adapter.ts";

/** `RetryScheduler` that hides a received message for a while. */
export class SqsRetryScheduler extends SdkAdapter<SQSClient, string> implements RetryScheduler {
  retryAfter(receiptHandle: string, seconds: number): Promise<void> {
    return guarded("queue", "delay retry", async () => {
      await this.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.target,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    });
  }
}
