import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { OrderEvent } from "../domain/order-events.ts";
import { MAX_DEFERRAL_SECONDS } from "../domain/webhook-circuit.ts";
import type { NotificationRequeue } from "../ports.ts";
import { guarded } from "./dependency-errors.ts";
import { SdkAdapter } from "./sdk-adapter.ts";

/**
 * `NotificationRequeue` over NotificationsQueue: the event as a new message
 * (so its receive count, and with it its tries, starts again), with the same
 * body the topic delivers (raw delivery: the event's JSON).
 */
export class SqsNotificationRequeue extends SdkAdapter<SQSClient, string> implements NotificationRequeue {
  later(event: OrderEvent, delaySeconds: number): Promise<void> {
    const delay = Math.min(MAX_DEFERRAL_SECONDS, Math.max(0, Math.round(delaySeconds)));
    return guarded("queue", "queue the notification again", async () => {
      await this.client.send(
        new SendMessageCommand({ QueueUrl: this.target, MessageBody: JSON.stringify(event), DelaySeconds: delay }),
      );
    });
  }
}
