import {
  BatchWriteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ScanCommand,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { queueDepth } from "@orders/core/adapters/sqs-queue-depth";
import type { Item, StoredObject } from "./snapshot.ts";

/**
 * The data of a running local system (`npm start`), read and written with the
 * real SDK against its emulators: the table by Scan and BatchWriteItem, the
 * bucket by ListObjectsV2, GetObject, PutObject and DeleteObjects.
 */

/** Where a running local system keeps its data, as its `GET /_local/resources` says. */
export interface LocalSystem {
  api: string;
  dynamoEndpoint: string;
  sqsS3Endpoint: string;
  table: string;
  bucket: string;
  /** Queue URLs by name (OrdersQueue, OrdersDlq, NotificationsQueue, NotificationsDlq). */
  queues: Record<string, string>;
}

/** The system could not be found, or is not a local one. */
export class LocalSystemError extends Error {
  override readonly name = "LocalSystemError";
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Refuses anything but this machine's emulators: these scripts are for the local system only. */
export function assertLoopback(endpoint: string): void {
  if (!LOOPBACK.has(new URL(endpoint).hostname)) {
    throw new LocalSystemError(`${endpoint} is not on this machine: backup and restore are for the local system only`);
  }
}

/**
 * Asks the running system at `api` where its table, bucket and queues are.
 * A deployed stage has no `/_local` routes: it is told apart from a local one
 * by that, and the error says where its recovery is described.
 */
export async function findLocalSystem(api: string, fetchFn: typeof fetch = fetch): Promise<LocalSystem> {
  const base = api.replace(/\/$/, "");
  const response = await fetchFn(`${base}/_local/resources`, { signal: AbortSignal.timeout(10_000) }).catch(
    (error: Error) => {
      throw new LocalSystemError(`cannot reach ${base} (${error.message}): is npm start running there?`);
    },
  );
  if (!response.ok) {
    throw new LocalSystemError(
      `${base} answered ${response.status} for /_local/resources: not the local runtime of npm start` +
        " (a deployed stage recovers from point-in-time recovery: see the README)",
    );
  }
  const body = (await response.json()) as Omit<LocalSystem, "api">;
  assertLoopback(body.dynamoEndpoint);
  assertLoopback(body.sqsS3Endpoint);
  return { ...body, api: base };
}

export interface LocalClients {
  dynamo: DynamoDBClient;
  s3: S3Client;
  sqs: SQSClient;
}

/** SDK clients for the system's emulators, which take any credentials. */
export function localClients(system: LocalSystem): LocalClients {
  const common = {
    region: process.env.AWS_REGION ?? "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  };
  return {
    dynamo: new DynamoDBClient({ ...common, endpoint: system.dynamoEndpoint }),
    s3: new S3Client({ ...common, endpoint: system.sqsS3Endpoint, forcePathStyle: true }),
    sqs: new SQSClient({ ...common, endpoint: system.sqsS3Endpoint, useQueueUrlAsEndpoint: false }),
  };
}

/** Every item of the table, page by page: a paginated Scan, strongly consistent. */
export async function* scanTable(
  dynamo: DynamoDBClient,
  table: string,
  options: { projection?: string[] } = {},
): AsyncGenerator<Item[]> {
  const projection = options.projection?.length
    ? {
        ProjectionExpression: options.projection.map((_, index) => `#k${index}`).join(", "),
        ExpressionAttributeNames: Object.fromEntries(options.projection.map((name, index) => [`#k${index}`, name])),
      }
    : {};
  let start: Item | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start, ...projection }),
    );
    yield page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

/** How many items the table holds (a paginated Scan that counts). */
export async function countItems(dynamo: DynamoDBClient, table: string): Promise<number> {
  let count = 0;
  let start: Item | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({ TableName: table, Select: "COUNT", ConsistentRead: true, ExclusiveStartKey: start }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

/** Whether the table holds no item at all (one Scan of one item). */
export async function tableIsEmpty(dynamo: DynamoDBClient, table: string): Promise<boolean> {
  const page = await dynamo.send(new ScanCommand({ TableName: table, Limit: 1, ConsistentRead: true }));
  return !page.Items?.length;
}

/** The table's key attributes (hash, then range), from DescribeTable. */
export async function keyAttributes(dynamo: DynamoDBClient, table: string): Promise<string[]> {
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: table }));
  return (Table?.KeySchema ?? []).map((key) => key.AttributeName ?? "");
}

export interface RetryOptions {
  /** BatchWriteItem calls per batch at most, the first included. */
  maxTries?: number;
  /** The first wait; each retry doubles it (with jitter). */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const BATCH_SIZE = 25;

/**
 * Sends write requests 25 at a time with BatchWriteItem. What DynamoDB leaves
 * unprocessed (throttling, a partition busy) is sent again after a growing
 * wait, as AWS advises, until it is all written or `maxTries` runs out.
 */
export async function batchWrite(
  dynamo: DynamoDBClient,
  table: string,
  requests: WriteRequest[],
  options: RetryOptions = {},
): Promise<number> {
  const { maxTries = 10, baseDelayMs = 50 } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let i = 0; i < requests.length; i += BATCH_SIZE) {
    let pending = requests.slice(i, i + BATCH_SIZE);
    for (let tries = 1; pending.length; tries++) {
      const { UnprocessedItems } = await dynamo.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = UnprocessedItems?.[table] ?? [];
      if (!pending.length) break;
      if (tries >= maxTries) {
        throw new Error(`${pending.length} writes to ${table} still unprocessed after ${tries} tries`);
      }
      await sleep(baseDelayMs * 2 ** (tries - 1) * (0.5 + Math.random() / 2));
    }
  }
  return requests.length;
}

/** Puts every item back. */
export function writeItems(dynamo: DynamoDBClient, table: string, items: Item[], options?: RetryOptions) {
  return batchWrite(
    dynamo,
    table,
    items.map((Item) => ({ PutRequest: { Item } })),
    options,
  );
}

/** Deletes every item of the table, which stays: scanned for keys only, deleted 25 at a time. */
export async function clearTable(dynamo: DynamoDBClient, table: string, options?: RetryOptions): Promise<number> {
  const keys = await keyAttributes(dynamo, table);
  let deleted = 0;
  for await (const page of scanTable(dynamo, table, { projection: keys })) {
    deleted += await batchWrite(
      dynamo,
      table,
      page.map((Key) => ({ DeleteRequest: { Key } })),
      options,
    );
  }
  return deleted;
}

/** Every key of the bucket: a paginated ListObjectsV2. */
export async function* listKeys(s3: S3Client, bucket: string, maxKeys?: number): AsyncGenerator<string[]> {
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token, ...(maxKeys ? { MaxKeys: maxKeys } : {}) }),
    );
    yield (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Every object of the bucket with its body, content type and metadata (GetObject, one at a time). */
export async function* readObjects(s3: S3Client, bucket: string): AsyncGenerator<StoredObject> {
  for await (const keys of listKeys(s3, bucket)) {
    for (const key of keys) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const body = await object.Body?.transformToByteArray();
      yield { key, body: body ?? new Uint8Array(), contentType: object.ContentType, metadata: object.Metadata };
    }
  }
}

/** Puts each object back as it was stored. */
export async function putObjects(s3: S3Client, bucket: string, objects: StoredObject[]): Promise<number> {
  for (const object of objects) {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: object.key,
        Body: object.body,
        ...(object.contentType ? { ContentType: object.contentType } : {}),
        ...(object.metadata ? { Metadata: object.metadata } : {}),
      }),
    );
  }
  return objects.length;
}

/** How many objects the bucket holds. */
export async function countObjects(s3: S3Client, bucket: string): Promise<number> {
  let count = 0;
  for await (const keys of listKeys(s3, bucket)) count += keys.length;
  return count;
}

/** Whether the bucket holds no object (one ListObjectsV2 of one key). */
export async function bucketIsEmpty(s3: S3Client, bucket: string): Promise<boolean> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }));
  return !page.Contents?.length;
}

/** Deletes every object of the bucket (DeleteObjects, up to 1,000 keys a call); the bucket stays. */
export async function clearBucket(s3: S3Client, bucket: string): Promise<number> {
  const keys: string[] = [];
  for await (const page of listKeys(s3, bucket)) keys.push(...page);
  for (let i = 0; i < keys.length; i += 1000) {
    const { Errors } = await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
      }),
    );
    if (Errors?.length) throw new Error(`could not delete ${Errors.length} objects, ${Errors[0]?.Key} first`);
  }
  return keys.length;
}

/** The queues whose messages drive the table: orders, and the events the Notifier delivers. */
export const WORK_QUEUES = ["OrdersQueue", "NotificationsQueue"] as const;

/** Messages on each of the system's queues, visible and in flight (reading it receives nothing). */
export async function queueDepths(sqs: SQSClient, queues: Record<string, string>): Promise<Record<string, number>> {
  const depths: Record<string, number> = {};
  for (const [name, url] of Object.entries(queues)) depths[name] = await queueDepth(sqs, url);
  return depths;
}

/** The work queues that hold messages now, as `OrdersQueue (3)`; empty when the system is quiet. */
export function busyQueues(depths: Record<string, number>): string[] {
  return WORK_QUEUES.filter((name) => (depths[name] ?? 0) > 0).map((name) => `${name} (${depths[name]})`);
}
