import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { DeadLetter } from "../domain/dead-letter.ts";
import type { DeadLetterQueue, DeadLetterStore } from "../ports.ts";
import { guarded } from "./dependency-errors.ts";
import { SdkAdapter } from "./sdk-adapter.ts";
import { visibleMessages } from "./sqs-order-queue.ts";

/** How long a listing or an action holds dead letters out of sight. */
const HOLD_SECONDS = 30;

function toDeadLetter(message: Message): DeadLetter {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes,
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue ?? ""]),
    ),
    receiveCount: Number(attributes.ApproximateReceiveCount ?? 0),
    sentAt: new Date(Number(attributes.SentTimestamp ?? Date.now())).toISOString(),
  };
}

/**
 * `DeadLetterQueue` and `DeadLetterStore` over OrdersDlq. SQS cannot peek, so
 * listing receives messages with a short hold and releases them at once.
 */
export class SqsDeadLetterQueue extends SdkAdapter<SQSClient, string> implements DeadLetterQueue, DeadLetterStore {
  depth(): Promise<number> {
    return guarded("queue", "read depth", () => visibleMessages(this.client, this.target));
  }

  scan(max: number): Promise<DeadLetter[]> {
    return guarded("queue", "list dead letters", async () => {
      const held = await this.#receiveUntil(max, () => true);
      await this.#releaseAll(held);
      return held;
    });
  }

  take(messageIds: string[]): Promise<DeadLetter[]> {
    return guarded("queue", "take dead letters", async () => {
      const wanted = new Set(messageIds);
      const held = await this.#receiveUntil(
        Number.POSITIVE_INFINITY,
        (letter) => wanted.has(letter.messageId),
        wanted.size,
      );
      return held;
    });
  }

  release(letter: DeadLetter): Promise<void> {
    return guarded("queue", "release dead letter", async () => {
      await this.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.target,
          ReceiptHandle: letter.receiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    });
  }

  delete(letter: DeadLetter): Promise<void> {
    return guarded("queue", "delete dead letter", async () => {
      await this.client.send(new DeleteMessageCommand({ QueueUrl: this.target, ReceiptHandle: letter.receiptHandle }));
    });
  }

  /**
   * Receives until the queue has nothing more to show, `max` letters are held,
   * or `enough` matches were found. Letters that do not match are released
   * at the end, not before: released early, they would be received again.
   */
  async #receiveUntil(max: number, keep: (letter: DeadLetter) => boolean, enough = Number.POSITIVE_INFINITY) {
    const held: DeadLetter[] = [];
    const passed: DeadLetter[] = [];
    const seen = new Set<string>();
    while (held.length < max && held.length < enough) {
      const { Messages = [] } = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.target,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: HOLD_SECONDS,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ["All"],
          MessageAttributeNames: ["All"],
        }),
      );
      const fresh = Messages.map(toDeadLetter).filter((letter) => !seen.has(letter.messageId));
      if (fresh.length === 0) break;
      for (const letter of fresh) seen.add(letter.messageId);
      const [kept, others] = [fresh.filter(keep), fresh.filter((letter) => !keep(letter))];
      held.push(...kept);
      passed.push(...others);
    }
    await this.#releaseAll(passed);
    return held;
  }

  async #releaseAll(letters: DeadLetter[]): Promise<void> {
    for (let i = 0; i < letters.length; i += 10) {
      const chunk = letters.slice(i, i + 10);
      await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.target,
          Entries: chunk.map((letter, j) => ({
            Id: String(j),
            ReceiptHandle: letter.receiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
  }
}
