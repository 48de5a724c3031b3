import { afterEach, describe, expect, it } from "vitest";
import * as tracing from "../../../packages/functions/src/composition/tracing.ts";
import { SpanRecorder, traceSdkClient } from "../../../packages/local/src/span-recorder.ts";

type Middleware = (
  next: (args: { input: Record<string, unknown> }) => Promise<unknown>,
  context: { commandName: string },
) => (args: { input: Record<string, unknown> }) => Promise<unknown>;

/** A client whose middleware stack keeps what is added, to run it around a fake send. */
function fakeClient() {
  const added: Middleware[] = [];
  const client = { middlewareStack: { add: (middleware: Middleware) => added.push(middleware) } };
  const send = async (command: string, input: Record<string, unknown>, answer: unknown = {}) => {
    let sent: Record<string, unknown> | undefined;
    const next = async (args: { input: Record<string, unknown> }) => {
      sent = structuredClone(args.input);
      if (answer instanceof Error) throw answer;
      return answer;
    };
    const result = await (added[0] as Middleware)(next, { commandName: `${command}Command` })({ input });
    return { sent, result };
  };
  return { client, send };
}

const HEADER = "Root=1-675193f0-0123456789abcdef01234567;Parent=89abcdef01234567;Sampled=1";
const TRACE_ID = "1-675193f0-0123456789abcdef01234567";

afterEach(() => {
  delete process.env._X_AMZN_TRACE_ID;
});

describe("the local span recorder (SDK middleware in a function's worker)", () => {
  it("records each AWS call in the trace its work runs in, with its start and duration", async () => {
    // Arrange
    const recorder = new SpanRecorder("OrdersProcessor");
    const { client, send } = fakeClient();
    traceSdkClient("DynamoDB", client, recorder, tracing);
    // Act
    await tracing.inTrace(HEADER, () => send("TransactWriteItems", {}));
    // Assert
    const { spans } = recorder.take();
    expect(spans).toEqual([
      {
        traceId: TRACE_ID,
        name: "DynamoDB.TransactWriteItems",
        kind: "aws",
        function: "OrdersProcessor",
        start: expect.any(Number),
        end: expect.any(Number),
      },
    ]);
    expect(spans[0]?.end).toBeGreaterThanOrEqual(spans[0]?.start ?? Number.POSITIVE_INFINITY);
    expect(recorder.take().spans).toEqual([]);
  });

  it("marks a call that failed", async () => {
    const recorder = new SpanRecorder();
    const { client, send } = fakeClient();
    traceSdkClient("S3", client, recorder, tracing);
    await expect(tracing.inTrace(HEADER, () => send("PutObject", {}, new Error("down")))).rejects.toThrow("down");
    expect(recorder.take().spans).toMatchObject([{ name: "S3.PutObject", error: true }]);
  });

  it("falls back on the invocation's trace (_X_AMZN_TRACE_ID) and records nothing outside any trace", async () => {
    const recorder = new SpanRecorder();
    const { client, send } = fakeClient();
    traceSdkClient("SQS", client, recorder, tracing);
    await send("GetQueueAttributes", {});
    expect(recorder.take().spans).toEqual([]);
    process.env._X_AMZN_TRACE_ID = HEADER;
    await send("GetQueueAttributes", {});
    expect(recorder.take().spans).toMatchObject([{ traceId: TRACE_ID }]);
  });

  it.each([
    ["SQS", "SendMessage", { QueueUrl: "q", MessageBody: "{}" }, (input: Record<string, unknown>) => [input]],
    [
      "SQS",
      "SendMessageBatch",
      { Entries: [{ Id: "0" }, { Id: "1" }] },
      (input: Record<string, unknown>) => input.Entries,
    ],
    ["SNS", "Publish", { Message: "{}" }, (input: Record<string, unknown>) => [input]],
    [
      "SNS",
      "PublishBatch",
      {
        PublishBatchRequestEntries: [
          { Id: "0", MessageAttributes: { type: { DataType: "String", StringValue: "X" } } },
        ],
      },
      (input: Record<string, unknown>) => input.PublishBatchRequestEntries,
    ],
  ])(
    "carries the trace on %s %s as the AWSTraceHeader attribute, keeping the message's own",
    async (service, operation, input, entriesOf) => {
      // Arrange
      const { client, send } = fakeClient();
      traceSdkClient(service, client, new SpanRecorder(), tracing);
      // Act
      const { sent } = await tracing.inTrace(HEADER, () => send(operation, input));
      // Assert
      const entries = entriesOf(sent as Record<string, unknown>) as { MessageAttributes: Record<string, unknown> }[];
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        expect(entry.MessageAttributes.AWSTraceHeader).toEqual({ DataType: "String", StringValue: HEADER });
      }
      if (operation === "PublishBatch") expect(entries[0]?.MessageAttributes.type).toBeDefined();
    },
  );

  it("keeps a trace a message already carries (a redrive sends the order's trace on)", async () => {
    const { client, send } = fakeClient();
    traceSdkClient("SQS", client, new SpanRecorder(), tracing);
    const own = { AWSTraceHeader: { DataType: "String", StringValue: "Root=1-00000000-000000000000000000000000" } };
    const { sent } = await tracing.inTrace(HEADER, () => send("SendMessage", { MessageAttributes: own }));
    expect(sent?.MessageAttributes).toEqual(own);
  });

  it("hands a received message's trace to the handler as a system attribute, when asked, never as its own attribute", async () => {
    // Arrange
    const { client, send } = fakeClient();
    traceSdkClient("SQS", client, new SpanRecorder(), tracing);
    const received = () => ({
      output: {
        Messages: [
          {
            Attributes: { SentTimestamp: "1" },
            MessageAttributes: {
              orderId: { DataType: "String", StringValue: "o-1" },
              AWSTraceHeader: { DataType: "String", StringValue: HEADER },
            },
          },
        ],
      },
    });
    // Act
    const asked = await send("ReceiveMessage", { MessageSystemAttributeNames: ["All"] }, received());
    const unasked = await send("ReceiveMessage", {}, received());
    // Assert
    const [withTrace] = (asked.result as ReturnType<typeof received>).output.Messages;
    expect(withTrace?.Attributes).toEqual({ SentTimestamp: "1", AWSTraceHeader: HEADER });
    expect(withTrace?.MessageAttributes).toEqual({ orderId: { DataType: "String", StringValue: "o-1" } });
    const [without] = (unasked.result as ReturnType<typeof received>).output.Messages;
    expect(without?.Attributes).toEqual({ SentTimestamp: "1" });
  });
});
