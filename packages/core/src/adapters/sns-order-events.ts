import { PublishBatchCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { OrderEvent } from "../domain/order-events.ts";
import type { OrderEventPublisher } from "../ports.ts";
import { guarded } from "./dependency-errors.ts";
import { SdkAdapter } from "./sdk-adapter.ts";

/** SNS takes at most ten messages per PublishBatch. */
const BATCH = 10;

/**
 * `OrderEventPublisher` over the OrderEvents topic. Each event is one SNS
 * message: its JSON as the body, its type as a message attribute (for
 * subscription filters). An entry SNS refuses fails the whole call, so the
 * caller's message is retried and every event is published again.
 */
export class SnsOrderEventPublisher extends SdkAdapter<SNSClient, string> implements OrderEventPublisher {
  publish(events: OrderEvent[]): Promise<void> {
    return guarded("topic", "publish order events", async () => {
      for (let start = 0; start < events.length; start += BATCH) {
        const batch = events.slice(start, start + BATCH);
        const output = await this.client.send(
          new PublishBatchCommand({
            TopicArn: this.target,
            PublishBatchRequestEntries: batch.map((event, i) => ({
              Id: String(i),
              Message: JSON.stringify(event),
              MessageAttributes: { type: { DataType: "String", StringValue: event.type } },
            })),
          }),
        );
        const failed = output.Failed ?? [];
        if (failed.length > 0) {
          throw new Error(`SNS refused ${failed.length} event(s): ${failed.map((f) => f.Code).join(", ")}`);
        }
      }
    });
  }
}
