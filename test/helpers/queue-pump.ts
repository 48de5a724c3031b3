import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { QueueEventSource } from "../../packages/local/src/event-source.ts";
import type { Handler } from "../../packages/local/src/handlers.ts";
import type { QueueRef } from "../../packages/local/src/provision.ts";

/** Drives the processor from the stage's queue one batch at a time, as Lambda would. */
export function queuePump(sqs: SQSClient, queue: QueueRef, handler: Handler<SQSEvent, SQSBatchResponse | undefined>) {
  const source = new QueueEventSource({
    client: sqs,
    queueUrl: queue.url,
    queueArn: queue.arn,
    functionName: "OrdersProcessor",
    handler,
    batchSize: 10,
    timeoutSeconds: 30,
    concurrency: 1,
    onBatch: () => undefined,
    onError: () => undefined,
  });
  return {
    /** Polls until `done()` holds, or fails after `timeoutMs`. */
    async until(done: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error("queue pump timed out");
        await source.pollOnce();
      }
    },
  };
}

export { queueDepth } from "@orders/core/adapters/sqs-queue-depth";
