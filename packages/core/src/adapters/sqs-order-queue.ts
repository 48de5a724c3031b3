import { GetQueueAttributesCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { OrderMessage } from "../domain/order.ts";
import type { CancelMessage } from "../domain/queue-message.ts";
import type { CancelRequests, MessageSender, OrderQueue } from "../ports.ts";
import { guarded } from "./dependency-errors.ts";
import { SdkAdapter } from "./sdk-adapter.ts";

/** Visible messages only: the DLQ's depth as operators mean it. */
export async function visibleMessages(client: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}

/** `OrderQueue` over OrdersQueue. */
export class SqsOrderQueue extends SdkAdapter<SQSClient, string> implements OrderQueue, MessageSender, CancelRequests {
  enqueue(message: OrderMessage): Promise<void> {
    return guarded("queue", "enqueue order", async () => {
      await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.target,
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

  async enqueueCancel(message: CancelMessage): Promise<void> {
    await this.send(JSON.stringify(message), { orderId: message.orderId, kind: "cancel" });
  }

  send(body: string, messageAttributes: Record<string, string>): Promise<string> {
    return guarded("queue", "send message", async () => {
      const { MessageId } = await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.target,
          MessageBody: body,
          MessageAttributes: Object.fromEntries(
            Object.entries(messageAttributes).map(([name, value]) => [
              name,
              { DataType: "String", StringValue: value },
            ]),
          ),
        }),
      );
      if (!MessageId) throw new Error("SQS returned no message id");
      return MessageId;
    });
  }

  ping(): Promise<void> {
    return guarded("queue", "ping", async () => {
      await visibleMessages(this.client, this.target);
    });
  }
}
