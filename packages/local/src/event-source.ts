import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { type Handler, invocationContext } from "./handlers.ts";

export interface EventSourceOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  functionName: string;
  handler: Handler<SQSEvent, SQSBatchResponse | undefined>;
  batchSize: number;
  timeoutSeconds: number;
  /** Pollers working at once, like the event source mapping's concurrency. */
  concurrency: number;
  /** Called after each batch the pollers run, for the one log line per batch. */
  onBatch: (summary: BatchSummary) => void;
  onError: (error: unknown) => void;
}

export interface BatchSummary {
  functionName: string;
  received: number;
  failed: number;
  ms: number;
}

/** The message attribute that carries a trace locally (span-recorder.ts): SQS's `AWSTraceHeader` system attribute. */
const TRACE_ATTRIBUTE = "AWSTraceHeader";

function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  const { [TRACE_ATTRIBUTE]: trace, ...messageAttributes } = message.MessageAttributes ?? {};
  const traceHeader = attributes.AWSTraceHeader ?? trace?.StringValue;
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "1",
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? "local",
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      // As Lambda hands it on: the trace of the work that sent the message.
      ...(traceHeader ? { AWSTraceHeader: traceHeader } : {}),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(messageAttributes).map(([name, value]) => [
        name,
        {
          dataType: value.DataType ?? "String",
          stringValue: value.StringValue,
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: process.env.AWS_REGION ?? "us-east-1",
  };
}

/**
 * Which messages of a batch to delete, as Lambda's event source mapping
 * decides: all when the function reports no failures, none when it throws or
 * names a message it was not given, else all but the failed ones.
 */
export function succeededMessages(records: SQSRecord[], response: SQSBatchResponse | undefined): SQSRecord[] {
  const failures = response?.batchItemFailures ?? [];
  const ids = new Set(records.map((record) => record.messageId));
  if (failures.some((failure) => !ids.has(failure.itemIdentifier))) return [];
  const failed = new Set(failures.map((failure) => failure.itemIdentifier));
  return records.filter((record) => !failed.has(record.messageId));
}

/**
 * Drives a function from a queue the way Lambda's event source mapping does:
 * long polling, batches of up to `batchSize`, partial batch responses honoured.
 * A failed message is left alone, so SQS redelivers it after its visibility
 * timeout and moves it to the dead-letter queue after `maxReceiveCount`.
 */
export class QueueEventSource {
  readonly #options: EventSourceOptions;
  readonly #abort = new AbortController();
  #pollers: Promise<void>[] = [];

  constructor(options: EventSourceOptions) {
    this.#options = options;
  }

  start(): void {
    this.#pollers = Array.from({ length: this.#options.concurrency }, () => this.#poll());
  }

  /** Stops polling and waits for batches in flight to finish. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.allSettled(this.#pollers);
  }

  async #poll(): Promise<void> {
    const { signal } = this.#abort;
    while (!signal.aborted) {
      try {
        const summary = await this.pollOnce();
        if (summary) this.#options.onBatch(summary);
      } catch (error) {
        if (signal.aborted) return;
        this.#options.onError(error);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  /** Receives one batch, runs the function on it, deletes what succeeded. */
  async pollOnce(): Promise<BatchSummary | undefined> {
    const { client, queueUrl, queueArn, batchSize, handler, functionName, timeoutSeconds } = this.#options;
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: batchSize,
        // Short enough for a quick stop: receives are never aborted, because a
        // message received by an aborted call would stay hidden until its
        // visibility timeout.
        WaitTimeSeconds: 2,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) return undefined;
    const started = Date.now();
    const records = Messages.map((message) => toRecord(message, queueArn));
    let response: SQSBatchResponse | undefined;
    let threw = false;
    try {
      response = await handler({ Records: records }, invocationContext(functionName, timeoutSeconds));
    } catch (error) {
      threw = true;
      this.#options.onError(error);
    }
    const done = threw ? [] : succeededMessages(records, response);
    if (done.length > 0) {
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((record, i) => ({ Id: String(i), ReceiptHandle: record.receiptHandle })),
        }),
      );
    }
    return { functionName, received: records.length, failed: records.length - done.length, ms: Date.now() - started };
  }
}
