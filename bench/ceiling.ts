import { createHash, randomUUID } from "node:crypto";
import { once } from "node:events";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import {
  type AttributeValue,
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { pool, progress, round } from "@orders/harness/stats";
import { startEmulators } from "../packages/local/src/emulators.ts";
import { localCredentials } from "../packages/local/src/environment.ts";
import { provision } from "../packages/local/src/provision.ts";
import { orderMix, type SagaFixture, sagaFixture } from "./end-to-end.ts";

/**
 * The emulators' own ceiling for the whole saga: per order the same AWS calls
 * the pipeline makes, in the same order, straight against the same emulators
 * with none of our code in between (no handler, no ElectroDB, no zod, no
 * Powertools, no local runtime): SendMessage; a batched receive and delete;
 * then for a valid original of k lines one conditional PutItem (the claim,
 * with the sparse index keys), the S3 PutObject, one BatchGetItem of both
 * accounts, k conditional UpdateItems (reserve, side by side), the hold, the
 * post and the credit, k commits (side by side) and the resolving UpdateItem:
 * 2k + 5 writes. Invalid orders make the one PutItem; duplicates the failed
 * PutItem, the read dynalite needs (it ignores ReturnValuesOnConditionCheckFailure)
 * and the duplicate's PutItem. Markers go into the same items as the
 * pipeline's (a map entry per order in each sku's and account's item), so
 * items grow alike on both sides. Orders, skus and accounts are the end-to-end
 * run's mix.
 *
 * The emulators run on this thread and the clients in a worker thread, as in
 * the local runtime, where the emulators have the main thread and the
 * handlers run in workers: the same two threads on both sides.
 */
export async function ceiling(options: CeilingOptions): Promise<CeilingResult> {
  const emulators = await startEmulators({ sqsS3Port: 0, dynamoPort: 0 });
  Object.assign(process.env, localCredentials());
  try {
    const clients = {
      dynamo: new DynamoDBClient({ endpoint: emulators.dynamoEndpoint }),
      s3: new S3Client({ endpoint: emulators.sqsS3Endpoint, forcePathStyle: true }),
      sqs: new SQSClient({ endpoint: emulators.sqsS3Endpoint, useQueueUrlAsEndpoint: false }),
      sns: new SNSClient({ endpoint: emulators.sqsS3Endpoint }),
    };
    const resources = await provision(clients, `ceiling-${randomUUID().slice(0, 6)}`);
    const worker = new Worker(new URL(import.meta.url), {
      workerData: {
        ceiling: true,
        options,
        target: {
          dynamoEndpoint: emulators.dynamoEndpoint,
          sqsS3Endpoint: emulators.sqsS3Endpoint,
          table: resources.table,
          bucket: resources.bucket,
          queueUrl: resources.queue.url,
        },
      } satisfies CeilingWorkerData,
    });
    const [result] = (await Promise.race([
      once(worker, "message"),
      once(worker, "error").then(([error]) => Promise.reject(error)),
    ])) as [CeilingResult];
    await worker.terminate();
    return result;
  } finally {
    await emulators.stop();
  }
}

export interface CeilingOptions {
  orders: number;
  concurrency: number;
  consumers: number;
}

export interface CeilingResult {
  orders: number;
  ordersPerSecond: number;
  confirmed: number;
}

interface CeilingTarget {
  dynamoEndpoint: string;
  sqsS3Endpoint: string;
  table: string;
  bucket: string;
  queueUrl: string;
}

interface CeilingWorkerData {
  ceiling: true;
  options: CeilingOptions;
  target: CeilingTarget;
}

/** The load itself, in the worker: seed the items (untimed), then produce and consume flat out. */
async function load(options: CeilingOptions, target: CeilingTarget): Promise<CeilingResult> {
  const clients = {
    dynamo: new DynamoDBClient({ endpoint: target.dynamoEndpoint }),
    s3: new S3Client({ endpoint: target.sqsS3Endpoint, forcePathStyle: true }),
    sqs: new SQSClient({ endpoint: target.sqsS3Endpoint, useQueueUrlAsEndpoint: false }),
  };
  const tag = Date.now().toString(36);
  const fixture = sagaFixture(options.orders, tag);
  const saga = new BareSaga(clients.dynamo, target.table);
  await saga.seed(fixture);
  const orders = orderMix(options.orders, `c-${tag}`, fixture);

  const show = progress("ceiling");
  let consumed = 0;
  const started = Date.now();
  const produce = pool(orders, options.concurrency, async (order) => {
    const body = JSON.stringify({ submissionId: randomUUID(), receivedAt: new Date().toISOString(), order });
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: target.queueUrl, MessageBody: body }));
  });
  const consume = Promise.all(
    Array.from({ length: options.consumers }, async () => {
      while (consumed < options.orders) {
        const { Messages = [] } = await clients.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: target.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        await Promise.all(
          Messages.map(async (message) => {
            const { submissionId, order } = JSON.parse(message.Body ?? "{}") as {
              submissionId: string;
              order: BareOrder;
            };
            const original = await saga.claim(order, submissionId, message.Body ?? "");
            if (!original) return;
            await clients.s3.send(
              new PutObjectCommand({
                Bucket: target.bucket,
                Key: `orders/${order.id}.json`,
                Body: JSON.stringify(order),
              }),
            );
            await saga.run(order);
          }),
        );
        if (Messages.length) {
          await clients.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: target.queueUrl,
              Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
            }),
          );
        }
        consumed += Messages.length;
        show(consumed, options.orders);
      }
    }),
  );
  await Promise.all([produce, consume]);
  return {
    orders: options.orders,
    ordersPerSecond: round(options.orders / ((Date.now() - started) / 1000)),
    confirmed: saga.confirmed,
  };
}

interface BareOrder {
  id: string;
  amount: number;
  fromAccount: string;
  toAccount: string;
  items?: { sku: string; quantity: number; unitPrice: number }[];
}

const S = (value: string): AttributeValue => ({ S: value });
const ACCOUNT = /^\d{7,20}$/;
const N = (value: number): AttributeValue => ({ N: String(value) });
const marker = (id: string) => `m${createHash("sha256").update(id, "utf8").digest("hex").slice(0, 32)}`;
const entry = (id: string, kind: string, cents: number, status: string, orderId: string): AttributeValue => ({
  M: { id: S(id), k: S(kind), a: N(cents), s: S(status), t: S(new Date().toISOString()), o: S(orderId) },
});

/** The saga's writes as plain conditional SDK calls: what DynamoDB must do, and nothing else. */
class BareSaga {
  confirmed = 0;
  readonly #dynamo: DynamoDBClient;
  readonly #table: string;

  constructor(dynamo: DynamoDBClient, table: string) {
    this.#dynamo = dynamo;
    this.#table = table;
  }

  #orderKey = (id: string) => ({ pk: S(`$orders#orderId_${id}`), sk: S("$orderHistory#order_1") });
  #skuKey = (sku: string) => ({ pk: S(`$orders#sku_${sku}`), sk: S("$stock_1") });
  #accountKey = (accountId: string) => ({ pk: S(`$orders#accountId_${accountId}`), sk: S("$account_1") });

  async seed(fixture: SagaFixture): Promise<void> {
    const put = (Item: Record<string, AttributeValue>) =>
      this.#dynamo.send(new PutItemCommand({ TableName: this.#table, Item }));
    await pool(fixture.skus, 8, async (sku) => {
      await put({
        ...this.#skuKey(sku),
        sku: S(sku),
        onHand: N(fixture.onHand),
        reserved: N(0),
        available: N(fixture.onHand),
        holds: { M: {} },
      });
    });
    await pool(fixture.accounts, 8, async (accountId) => {
      await put({
        ...this.#accountKey(accountId),
        accountId: S(accountId),
        balance: N(fixture.depositCents),
        held: N(0),
        transfers: {
          M: { [marker(`deposit:${accountId}`)]: entry(`deposit:${accountId}`, "DEPOSIT", 0, "POSTED", "") },
        },
      });
    });
  }

  /** The claim: true for a new original (valid or not, it is written once), false for a duplicate. */
  async claim(order: BareOrder, submissionId: string, payload: string): Promise<boolean> {
    const valid = order.amount > 0;
    const now = new Date().toISOString();
    try {
      await this.#dynamo.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: {
            ...this.#orderKey(order.id),
            orderId: S(order.id),
            submissionId: S(submissionId),
            payload: S(payload),
            status: S(valid ? "PENDING" : "REJECTED"),
            receivedAt: S(now),
            ...(valid ? { gsi1pk: S("$orders#sweepShard_0"), gsi1sk: S(`$order_1#receivedAt_${now}`) } : {}),
            // The account listings' entries, which the claim writes for well-formed accounts, valid or not.
            ...(ACCOUNT.test(order.fromAccount)
              ? {
                  gsi2pk: S(`$orders#fromAccount_${order.fromAccount}`),
                  gsi2sk: S(`$order_1#receivedAt_${now}#orderId_${order.id}`),
                }
              : {}),
            ...(ACCOUNT.test(order.toAccount)
              ? {
                  gsi3pk: S(`$orders#toAccount_${order.toAccount}`),
                  gsi3sk: S(`$order_1#receivedAt_${now}#orderId_${order.id}`),
                }
              : {}),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return valid;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      await this.#dynamo.send(
        new GetItemCommand({ TableName: this.#table, Key: this.#orderKey(order.id), ConsistentRead: true }),
      );
      await this.#dynamo.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: {
            pk: S(`$orders#orderId_${order.id}`),
            sk: S(`$orderHistory#orderDuplicate_1#submissionId_${submissionId}`),
            submissionId: S(submissionId),
            payload: S(payload),
            status: S("DUPLICATE"),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return false;
    }
  }

  #update(
    Key: Record<string, AttributeValue>,
    UpdateExpression: string,
    ConditionExpression: string,
    names: Record<string, string>,
    values: Record<string, AttributeValue>,
  ) {
    return this.#dynamo.send(
      new UpdateItemCommand({
        TableName: this.#table,
        Key,
        UpdateExpression,
        ConditionExpression,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async run(order: BareOrder): Promise<void> {
    const cents = Math.round(order.amount * 100);
    const transfer = `order:${order.id}`;
    const m = marker(order.id);
    const t = marker(transfer);
    const lines = order.items ?? [];
    const { Responses } = await this.#dynamo.send(
      new BatchGetItemCommand({
        RequestItems: {
          [this.#table]: { Keys: [this.#accountKey(order.fromAccount), this.#accountKey(order.toAccount)] },
        },
      }),
    );
    if ((Responses?.[this.#table]?.length ?? 0) !== 2) throw new Error(`ceiling: accounts of ${order.id} missing`);
    await Promise.all(
      lines.map((line) =>
        this.#update(
          this.#skuKey(line.sku),
          "SET #a = #a - :q, #r = #r + :q, #h.#m = :held, #u = :now",
          "#a >= :q AND attribute_not_exists(#h.#m)",
          { "#a": "available", "#r": "reserved", "#h": "holds", "#m": m, "#u": "updatedAt" },
          { ":q": N(line.quantity), ":held": S(`H${line.quantity}`), ":now": S(new Date().toISOString()) },
        ),
      ),
    );
    await this.#update(
      this.#accountKey(order.fromAccount),
      "SET #b = #b - :c, #held = #held + :c, #tr.#t = :entry, #u = :now",
      "#b >= :c AND attribute_not_exists(#tr.#t)",
      { "#b": "balance", "#held": "held", "#tr": "transfers", "#t": t, "#u": "updatedAt" },
      {
        ":c": N(cents),
        ":entry": entry(transfer, "DEBIT", cents, "HELD", order.id),
        ":now": S(new Date().toISOString()),
      },
    );
    await this.#update(
      this.#accountKey(order.fromAccount),
      "SET #held = #held - :c, #tr.#t.#s = :posted, #u = :now",
      "#tr.#t.#s = :heldStatus",
      { "#held": "held", "#tr": "transfers", "#t": t, "#s": "s", "#u": "updatedAt" },
      { ":c": N(cents), ":posted": S("POSTED"), ":heldStatus": S("HELD"), ":now": S(new Date().toISOString()) },
    );
    await this.#update(
      this.#accountKey(order.toAccount),
      "SET #b = #b + :c, #tr.#t = :entry, #u = :now",
      "attribute_not_exists(#tr.#t)",
      { "#b": "balance", "#tr": "transfers", "#t": t, "#u": "updatedAt" },
      {
        ":c": N(cents),
        ":entry": entry(transfer, "CREDIT", cents, "POSTED", order.id),
        ":now": S(new Date().toISOString()),
      },
    );
    await Promise.all(
      lines.map((line) =>
        this.#update(
          this.#skuKey(line.sku),
          "SET #o = #o - :q, #r = #r - :q, #h.#m = :committed, #u = :now",
          "#h.#m = :held",
          { "#o": "onHand", "#r": "reserved", "#h": "holds", "#m": m, "#u": "updatedAt" },
          {
            ":q": N(line.quantity),
            ":held": S(`H${line.quantity}`),
            ":committed": S(`C${line.quantity}`),
            ":now": S(new Date().toISOString()),
          },
        ),
      ),
    );
    const now = new Date().toISOString();
    await this.#update(
      this.#orderKey(order.id),
      "SET #st = :confirmed, #pay = :payment, #res = :reservations, #saga = :saga, #at = :now REMOVE gsi1pk, gsi1sk",
      "#st = :pending",
      { "#st": "status", "#pay": "payment", "#res": "reservations", "#saga": "saga", "#at": "resolvedAt" },
      {
        ":confirmed": S("CONFIRMED"),
        ":pending": S("PENDING"),
        ":payment": { M: { status: S("POSTED"), amountCents: N(cents) } },
        ":reservations": {
          L: lines.map((line) => ({ M: { sku: S(line.sku), quantity: N(line.quantity), status: S("COMMITTED") } })),
        },
        ":saga": {
          L: ["accounts", ...lines.map(() => "reserve"), "hold", "post", "credit", ...lines.map(() => "commit")].map(
            (step) => ({ M: { step: S(step), outcome: S("OK"), attempt: N(1), at: S(now) } }),
          ),
        },
        ":now": S(now),
      },
    );
    this.confirmed += 1;
  }
}

if (!isMainThread && (workerData as Partial<CeilingWorkerData> | undefined)?.ceiling) {
  const data = workerData as CeilingWorkerData;
  parentPort?.postMessage(await load(data.options, data.target));
}
