import type { Readable } from "node:stream";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PublishBatchCommand, SNSClient } from "@aws-sdk/client-sns";
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { accountKey } from "@orders/core/adapters/table-writes";
import { linked, linkedEnvironment } from "@orders/harness/linked-resources";
import { median, round } from "@orders/harness/stats";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";

/**
 * The CPU our code spends per order: batches of valid two-line originals
 * through the real OrdersProcessor handler, against a bare loop that only
 * parses and makes the same calls: 1 PutItem, 1 BatchGetItem, 2k+4 UpdateItem
 * and 1 S3 PutObject for k = 2 lines.
 *
 * Both sides run the real SDK clients (middleware, marshalling, signing,
 * serialisation, deserialisation), as Lambda does, with a stub HTTP handler
 * in place of the network: no emulator's CPU is counted, and neither is a
 * mocking library's (`aws-sdk-client-mock` stubs `send` with sinon, whose
 * argument matching would be counted instead of the SDK's own work).
 * Rounds alternate, and each side's median of CPU time (user + system, so
 * the machine's other tenants do not count) is compared.
 */
export const LINES = 2;
export const CALLS_PER_ORDER = { PutItem: 1, BatchGetItem: 1, UpdateItem: 2 * LINES + 4, PutObject: 1 };

const TABLE = linked.OrdersTable.name;
const SKUS = ["KB-01", "MS-02", "GPU-9"] as const;
const PAYER = "1111111";
const PAYEE = "7777777";

interface StubRequest {
  headers: Record<string, string>;
  body?: unknown;
}
interface StubResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

const json = (value: unknown): StubResponse => ({
  statusCode: 200,
  headers: { "content-type": "application/x-amz-json-1.0" },
  body: new TextEncoder().encode(JSON.stringify(value)),
});
// An account as ElectroDB stores it, marshalled as DynamoDB answers a BatchGetItem.
const accountItem = (accountId: string) => ({
  pk: { S: `$orders#accountId_${accountId}` },
  sk: { S: "$account_1" },
  accountId: { S: accountId },
  __edb_e__: { S: "account" },
  __edb_v__: { S: "1" },
});
/** SNS speaks the query protocol: a form-encoded request, an XML answer (every entry published). */
const SNS_PUBLISHED: StubResponse = {
  statusCode: 200,
  headers: { "content-type": "text/xml" },
  body: new TextEncoder().encode(
    '<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult><Successful/>' +
      "<Failed/></PublishBatchResult><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></PublishBatchResponse>",
  ),
};
const ANSWERS: Record<string, StubResponse> = {
  PutItem: json({}),
  UpdateItem: json({}),
  ChangeMessageVisibility: json({}),
  PublishBatch: SNS_PUBLISHED,
  BatchGetItem: json({ Responses: { [TABLE]: [accountItem(PAYER), accountItem(PAYEE)] }, UnprocessedKeys: {} }),
};

/** Counts each operation's calls, so the bench can check both sides made the same ones. */
export type CallCounts = Record<string, number>;

/**
 * An SDK request handler that answers every call at once, as DynamoDB and S3
 * would answer a valid original's: both accounts exist, every conditional
 * write applies. Request bodies are drained, as a real handler would send them.
 */
export function stubRequestHandler(counts: CallCounts = {}) {
  return {
    metadata: { handlerProtocol: "h1" },
    async handle(request: StubRequest): Promise<{ response: StubResponse }> {
      const target = request.headers["x-amz-target"];
      const action = typeof request.body === "string" ? /(?:^|&)Action=(\w+)/.exec(request.body)?.[1] : undefined;
      const operation = target ? target.slice(target.indexOf(".") + 1) : (action ?? "PutObject");
      counts[operation] = (counts[operation] ?? 0) + 1;
      const body = request.body as Readable | string | Uint8Array | undefined;
      if (body && typeof body === "object" && "pipe" in body) for await (const _ of body);
      const answer = ANSWERS[operation];
      if (answer) return { response: answer };
      if (operation === "PutObject") {
        return { response: { statusCode: 200, headers: { etag: '"0"' }, body: new Uint8Array() } };
      }
      throw new Error(`the stub has no answer for ${operation}`);
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
}

/** A valid original of LINES lines, as the submit route puts it on the queue. */
function orderBody(n: number): string {
  const items = Array.from({ length: LINES }, (_, i) => ({
    sku: SKUS[(n + i) % SKUS.length],
    quantity: 1 + i,
    unitPrice: 12.5,
  }));
  const amount = items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
  return JSON.stringify({
    submissionId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    receivedAt: new Date().toISOString(),
    channel: "web",
    order: { id: `cpu-${n}`, amount, fromAccount: PAYER, toAccount: PAYEE, channel: "web", items },
  });
}

/** One batch of ten records, numbered from `offset`. */
export function batchOf(offset: number): SQSEvent {
  return {
    Records: Array.from(
      { length: 10 },
      (_, i): SQSRecord => ({
        messageId: `m-${offset + i}`,
        receiptHandle: `r-${offset + i}`,
        body: orderBody(offset + i),
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: "0",
          SenderId: "bench",
          ApproximateFirstReceiveTimestamp: "0",
        },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:OrdersQueue",
        awsRegion: "us-east-1",
      }),
    ),
  };
}

const context = {
  functionName: "OrdersProcessor",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:OrdersProcessor",
  memoryLimitInMB: "1024",
  awsRequestId: "00000000-0000-4000-8000-000000000000",
  logGroupName: "/aws/lambda/OrdersProcessor",
  logStreamName: "bench",
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

export type Run = (event: SQSEvent) => Promise<unknown>;

/**
 * The real handler, its SDK clients answered by the stub: imported after the
 * links are in the environment, as Lambda would load it.
 */
export async function processorUnderStub(counts: CallCounts = {}): Promise<Run> {
  Object.assign(process.env, linkedEnvironment());
  const { sdkClients } = await import("../packages/functions/src/composition/sdk-clients.ts");
  const clients = sdkClients();
  const stub = stubRequestHandler(counts);
  for (const client of [clients.dynamo, clients.s3, clients.sqs, clients.sns]) {
    (client.config as { requestHandler: unknown }).requestHandler = stub;
  }
  const { handler } = await import("../packages/functions/src/queue/process-orders.ts");
  return async (event) => {
    const response = await handler(event, context);
    if (response.batchItemFailures.length > 0) throw new Error("the bench's orders must all succeed");
    return response;
  };
}

/**
 * The same calls with nothing of ours: parse the body, then write the record,
 * read both accounts, reserve, hold, post, credit, commit and resolve, each
 * with a hand-written expression of the same shape, and archive the JSON.
 */
export function bareLoop(counts: CallCounts = {}): Run {
  const stub = stubRequestHandler(counts);
  const document = DynamoDBDocumentClient.from(new DynamoDBClient({ requestHandler: stub }));
  const bucket = new S3Client({ requestHandler: stub });
  const topic = new SNSClient({ requestHandler: stub });
  const update = (pk: string, set: string, condition: string, values: Record<string, unknown>) =>
    document.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk, sk: "s" },
        UpdateExpression: set,
        ConditionExpression: condition,
        ExpressionAttributeNames: { "#m": "markers", "#k": `m${pk}` },
        ExpressionAttributeValues: values,
      }),
    );
  const processRecord = async (record: SQSRecord) => {
    const message = JSON.parse(record.body) as {
      order: {
        id: string;
        amount: number;
        fromAccount: string;
        toAccount: string;
        items: { sku: string; quantity: number }[];
      };
      receivedAt: string;
    };
    const { order } = message;
    const at = new Date().toISOString();
    await document.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          pk: order.id,
          sk: "o",
          payload: JSON.stringify(order),
          status: "PENDING",
          receivedAt: message.receivedAt,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    await bucket.send(
      new PutObjectCommand({
        Bucket: linked.OrdersBucket.name,
        Key: `orders/${order.id}.json`,
        Body: JSON.stringify(order),
      }),
    );
    await document.send(
      new BatchGetCommand({
        RequestItems: { [TABLE]: { Keys: [order.fromAccount, order.toAccount].map((pk) => ({ pk, sk: "a" })) } },
      }),
    );
    const step = "SET #m.#k = :v, updatedAt = :t ADD n :q";
    await Promise.all(
      order.items.map((line) =>
        update(line.sku, step, "attribute_not_exists(#m.#k)", { ":v": "H", ":t": at, ":q": -line.quantity }),
      ),
    );
    await update(order.fromAccount, step, "attribute_not_exists(#m.#k)", {
      ":v": { s: "H" },
      ":t": at,
      ":q": -order.amount,
    });
    await update(order.fromAccount, step, "#m.#k = :v", { ":v": "P", ":t": at, ":q": 0 });
    await update(order.toAccount, step, "attribute_not_exists(#m.#k)", { ":v": "C", ":t": at, ":q": order.amount });
    await Promise.all(
      order.items.map((line) => update(line.sku, step, "#m.#k = :v", { ":v": "C", ":t": at, ":q": 0 })),
    );
    await update(order.id, step, "#m.#k = :v", { ":v": "CONFIRMED", ":t": at, ":q": 0 });
    // The outcome's event, as the processor announces it.
    await topic.send(
      new PublishBatchCommand({
        TopicArn: "arn:aws:sns:us-east-1:000000000000:OrderEvents",
        PublishBatchRequestEntries: [
          { Id: "0", Message: JSON.stringify({ type: "OrderConfirmed", orderId: order.id }) },
        ],
      }),
    );
  };
  return (event) => Promise.all(event.Records.map(processRecord));
}

/** CPU milliseconds (user + system) that `records` records take through `run`. */
async function cpuMs(run: Run, records: number, offset: number): Promise<number> {
  const started = process.cpuUsage();
  for (let i = 0; i < records / 10; i++) await run(batchOf(offset + i * 10));
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

/** Runs `run` until the JIT has settled. */
export async function warmUp(run: Run, batches = 100): Promise<void> {
  for (let i = 0; i < batches; i++) await run(batchOf(1_000_000 + i * 10));
}

/** Each side's median orders per CPU-second over alternating rounds, after the JIT settled. */
async function compare(handler: Run, bare: Run, records: number, rounds: number) {
  await warmUp(handler);
  await warmUp(bare);
  const perRound = Math.max(10, Math.round(records / rounds / 10) * 10);
  const handlerRates: number[] = [];
  const bareRates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    handlerRates.push(perRound / ((await cpuMs(handler, perRound, r * perRound)) / 1000));
    bareRates.push(perRound / ((await cpuMs(bare, perRound, r * perRound)) / 1000));
  }
  const handlerPerSecond = round(median(handlerRates), 0);
  const barePerSecond = round(median(bareRates), 0);
  return {
    orders: perRound * rounds,
    handlerPerSecond,
    barePerSecond,
    ratio: round(handlerPerSecond / barePerSecond, 2),
    rounds: { handler: handlerRates.map((rate) => round(rate, 0)), bare: bareRates.map((rate) => round(rate, 0)) },
  };
}

/**
 * The same comparison with `aws-sdk-client-mock` in place of the SDK's
 * stack, as this bench measured before: both sides skip marshalling,
 * signing and serialisation, so the ratio sets our code against almost
 * nothing (and counts sinon's matching on both sides).
 */
async function withMockedClients(handler: Run, records: number, rounds: number) {
  const restore = mockedClients();
  try {
    return await compare(handler, bareLoop(), records, rounds);
  } finally {
    restore();
  }
}

/** Mocks every DynamoDB document client and S3 client with aws-sdk-client-mock; returns the undo. */
export function mockedClients(): () => void {
  const dynamo = mockClient(DynamoDBDocumentClient);
  const s3 = mockClient(S3Client);
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
  const account = (accountId: string) => ({
    ...accountKey(accountId),
    accountId,
    __edb_e__: "account",
    __edb_v__: "1",
  });
  dynamo
    .on(BatchGetCommand)
    .resolves({ Responses: { [TABLE]: [account(PAYER), account(PAYEE)] }, UnprocessedKeys: {} });
  s3.on(PutObjectCommand).resolves({});
  return () => {
    dynamo.restore();
    s3.restore();
  };
}

export async function processorCpu(records: number, rounds = 3) {
  const handlerCalls: CallCounts = {};
  const bareCalls: CallCounts = {};
  const handler = await processorUnderStub(handlerCalls);
  const bare = bareLoop(bareCalls);
  const stubbed = await compare(handler, bare, records, rounds);
  const perOrder = (counts: CallCounts) =>
    Object.fromEntries(
      Object.entries(counts).map(([name, count]) => [name, round(count / (stubbed.orders + 1000), 2)]),
    );
  const mocked = await withMockedClients(handler, records, rounds);
  return {
    records: stubbed.orders,
    lines: LINES,
    transport: "real SDK clients, stub HTTP handler",
    handlerPerSecond: stubbed.handlerPerSecond,
    barePerSecond: stubbed.barePerSecond,
    ratio: stubbed.ratio,
    rounds: stubbed.rounds,
    /** Calls per order on each side, warm-up included (100 batches). */
    callsPerOrder: { handler: perOrder(handlerCalls), bare: perOrder(bareCalls) },
    withMockedClients: {
      handlerPerSecond: mocked.handlerPerSecond,
      barePerSecond: mocked.barePerSecond,
      ratio: mocked.ratio,
      rounds: mocked.rounds,
    },
  };
}
