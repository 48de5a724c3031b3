import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  batchWrite,
  findLocalSystem,
  type LocalClients,
  type LocalSystem,
  LocalSystemError,
  readObjects,
  scanTable,
} from "../../../scripts/cli/local-data.ts";
import { SnapshotRefusedError } from "../../../scripts/cli/snapshot.ts";
import {
  backup,
  RefusedError,
  restore,
  snapshotCommandOptions,
  UsageError,
} from "../../../scripts/cli/snapshot-commands.ts";
import { mockedClients } from "../../helpers/mocked-clients.ts";

const { dynamoMock, s3Mock, sqsMock } = mockedClients({
  dynamoMock: DynamoDBClient,
  s3Mock: S3Client,
  sqsMock: SQSClient,
});
const clients: LocalClients = { dynamo: new DynamoDBClient({}), s3: new S3Client({}), sqs: new SQSClient({}) };
const system: LocalSystem = {
  api: "http://127.0.0.1:3000",
  dynamoEndpoint: "http://127.0.0.1:8000",
  sqsS3Endpoint: "http://127.0.0.1:4566",
  table: "orders-local-OrdersTable",
  bucket: "orders-local-ordersbucket",
  queues: { OrdersQueue: "http://q/orders", NotificationsQueue: "http://q/notifications" },
};
const item = (n: number) => ({ pk: { S: `p${n}` }, sk: { S: "s" } });
const put = (n: number): WriteRequest => ({ PutRequest: { Item: item(n) } });

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "snapshot-commands-"));
  sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: "0" } });
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("the command line of npm run backup and npm run restore", () => {
  it("takes one directory, the API from --url, else ORDERS_API_URL, else PORT, and the flags", () => {
    const parse = (values: Record<string, unknown>, positionals: string[], env: NodeJS.ProcessEnv = {}) =>
      snapshotCommandOptions({ values, positionals }, env);
    expect(parse({}, ["snap"])).toEqual({
      dir: "snap",
      url: "http://localhost:3000",
      allowBusy: false,
      replace: false,
    });
    expect(parse({}, ["snap"], { PORT: "3100" }).url).toBe("http://localhost:3100");
    expect(parse({}, ["snap"], { ORDERS_API_URL: "http://127.0.0.1:9" }).url).toBe("http://127.0.0.1:9");
    expect(parse({ url: "http://127.0.0.1:7", replace: true, "allow-busy": true }, ["snap"])).toEqual({
      dir: "snap",
      url: "http://127.0.0.1:7",
      allowBusy: true,
      replace: true,
    });
    expect(() => parse({}, [])).toThrow(UsageError);
    expect(() => parse({}, ["a", "b"])).toThrow("one directory, not 2: b");
  });
});

describe("finding the running local system", () => {
  const answering = (status: number, payload: unknown) =>
    (async () => new Response(JSON.stringify(payload), { status })) as typeof fetch;

  it("reads the endpoints and names from GET /_local/resources", async () => {
    const { api: _, ...resources } = system;
    const found = await findLocalSystem("http://127.0.0.1:3000/", answering(200, resources));
    expect(found).toEqual(system);
  });

  it("refuses an API without /_local (a deployed stage), pointing to point-in-time recovery", async () => {
    await expect(findLocalSystem("https://api.example.com", answering(404, {}))).rejects.toThrow(
      /not the local runtime.*point-in-time recovery/,
    );
  });

  it("refuses emulators that are not on this machine", async () => {
    const { api: _, ...resources } = system;
    const remote = { ...resources, dynamoEndpoint: "https://dynamodb.eu-west-1.amazonaws.com" };
    await expect(findLocalSystem(system.api, answering(200, remote))).rejects.toThrow(LocalSystemError);
  });
});

describe("reading and writing the table", () => {
  it("scans every page, each from where the last ended", async () => {
    // Arrange
    dynamoMock
      .on(ScanCommand)
      .resolvesOnce({ Items: [item(1), item(2)], LastEvaluatedKey: item(2) })
      .resolvesOnce({ Items: [item(3)] });
    // Act
    const read = [];
    for await (const page of scanTable(clients.dynamo, system.table)) read.push(...page);
    // Assert
    expect(read).toEqual([item(1), item(2), item(3)]);
    expect(dynamoMock).toHaveReceivedCommandTimes(ScanCommand, 2);
    expect(dynamoMock).toHaveReceivedNthCommandWith(ScanCommand, 2, {
      TableName: system.table,
      ExclusiveStartKey: item(2),
      ConsistentRead: true,
    });
  });

  it("writes 25 items a BatchWriteItem, and sends again, after a growing wait, what was left unprocessed", async () => {
    // Arrange: the first batch comes back with two writes unprocessed, twice
    const requests = Array.from({ length: 30 }, (_, n) => put(n));
    const left = [put(3), put(7)];
    dynamoMock
      .on(BatchWriteItemCommand)
      .resolvesOnce({ UnprocessedItems: { [system.table]: left } })
      .resolvesOnce({ UnprocessedItems: { [system.table]: left } })
      .resolves({ UnprocessedItems: {} });
    const waits: number[] = [];
    // Act
    const written = await batchWrite(clients.dynamo, system.table, requests, {
      baseDelayMs: 100,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    // Assert
    expect(written).toBe(30);
    const calls = dynamoMock.commandCalls(BatchWriteItemCommand).map((call) => call.args[0].input.RequestItems);
    expect(calls.map((batch) => batch?.[system.table]?.length)).toEqual([25, 2, 2, 5]);
    expect(calls[1]?.[system.table]).toEqual(left);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(50);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(200);
  });

  it("gives up, saying so, when writes stay unprocessed", async () => {
    dynamoMock.on(BatchWriteItemCommand).resolves({ UnprocessedItems: { [system.table]: [put(1)] } });
    await expect(
      batchWrite(clients.dynamo, system.table, [put(1)], { maxTries: 3, sleep: async () => {} }),
    ).rejects.toThrow("1 writes to orders-local-OrdersTable still unprocessed after 3 tries");
    expect(dynamoMock).toHaveReceivedCommandTimes(BatchWriteItemCommand, 3);
  });
});

describe("reading the bucket", () => {
  it("lists every page of keys and gets each object with its content type", async () => {
    // Arrange
    s3Mock
      .on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [{ Key: "orders/a.json" }], IsTruncated: true, NextContinuationToken: "t1" })
      .resolvesOnce({ Contents: [{ Key: "reports/consistency/latest.json" }], IsTruncated: false });
    s3Mock.on(GetObjectCommand).callsFake(({ Key }: { Key: string }) => ({
      Body: { transformToByteArray: async () => Buffer.from(`body of ${Key}`) },
      ContentType: "application/json",
      Metadata: {},
    }));
    // Act
    const objects = [];
    for await (const object of readObjects(clients.s3, system.bucket)) objects.push(object);
    // Assert
    expect(objects.map((object) => [object.key, Buffer.from(object.body).toString(), object.contentType])).toEqual([
      ["orders/a.json", "body of orders/a.json", "application/json"],
      ["reports/consistency/latest.json", "body of reports/consistency/latest.json", "application/json"],
    ]);
    expect(s3Mock).toHaveReceivedNthCommandWith(ListObjectsV2Command, 2, {
      Bucket: system.bucket,
      ContinuationToken: "t1",
    });
  });
});

/** A snapshot of two items and one object, written by `backup` from mocked clients. */
async function aBackup(dir = join(work, "snap")) {
  dynamoMock.on(ScanCommand).resolves({ Items: [item(1), item(2)] });
  s3Mock.on(ListObjectsV2Command).resolves({ Contents: [{ Key: "orders/a.json" }] });
  s3Mock.on(GetObjectCommand).resolves({
    Body: { transformToByteArray: async () => Buffer.from("{}") } as never,
    ContentType: "application/json",
  });
  await backup(system, clients, { dir, allowBusy: false }, () => {});
  dynamoMock.reset();
  s3Mock.reset();
  sqsMock.resetHistory();
  return dir;
}

describe("backup", () => {
  it("refuses while orders or events are on their queues, unless told", async () => {
    sqsMock.on(GetQueueAttributesCommand, { QueueUrl: "http://q/orders" }).resolves({
      Attributes: { ApproximateNumberOfMessages: "2", ApproximateNumberOfMessagesNotVisible: "1" },
    });
    await expect(backup(system, clients, { dir: join(work, "busy"), allowBusy: false }, () => {})).rejects.toThrow(
      /^OrdersQueue \(3\) holds messages: a backup now would catch orders part-way/,
    );
    expect(dynamoMock).not.toHaveReceivedCommand(ScanCommand);
  });
});

describe("restore", () => {
  const quietTarget = (empty: { table: boolean; bucket: boolean }) => {
    dynamoMock.on(ScanCommand, { Limit: 1 }).resolves({ Items: empty.table ? [] : [item(9)] });
    s3Mock.on(ListObjectsV2Command, { MaxKeys: 1 }).resolves({ Contents: empty.bucket ? [] : [{ Key: "x" }] });
  };

  it("writes every item and object into an empty table and bucket, and checks the counts", async () => {
    // Arrange
    const dir = await aBackup();
    quietTarget({ table: true, bucket: true });
    dynamoMock.on(BatchWriteItemCommand).resolves({});
    dynamoMock.on(ScanCommand, { Select: "COUNT" }).resolves({ Count: 2 });
    s3Mock.on(ListObjectsV2Command, { MaxKeys: undefined }).resolves({ Contents: [{ Key: "orders/a.json" }] });
    // Act
    const result = await restore(system, clients, { dir, allowBusy: false, replace: false }, () => {});
    // Assert
    expect(result).toEqual({ items: 2, objects: 1, cleared: { items: 0, objects: 0 } });
    expect(dynamoMock).toHaveReceivedCommandWith(BatchWriteItemCommand, {
      RequestItems: { [system.table]: [{ PutRequest: { Item: item(1) } }, { PutRequest: { Item: item(2) } }] },
    });
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: system.bucket,
      Key: "orders/a.json",
      ContentType: "application/json",
    });
  });

  it("refuses a table or bucket that holds data without --replace, and writes nothing", async () => {
    const dir = await aBackup();
    quietTarget({ table: false, bucket: true });
    await expect(restore(system, clients, { dir, allowBusy: false, replace: false }, () => {})).rejects.toThrow(
      new RefusedError(
        `the table ${system.table} already holds data: a restore writes into an empty table and bucket. Pass --replace to delete what they hold first`,
      ),
    );
    expect(dynamoMock).not.toHaveReceivedCommand(BatchWriteItemCommand);
    expect(s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it("with --replace, deletes what the table and bucket hold first", async () => {
    // Arrange
    const dir = await aBackup();
    quietTarget({ table: false, bucket: false });
    dynamoMock.on(DescribeTableCommand).resolves({
      Table: {
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
      },
    });
    dynamoMock.on(ScanCommand, { ProjectionExpression: "#k0, #k1" }).resolves({ Items: [item(8), item(9)] });
    dynamoMock.on(ScanCommand, { Select: "COUNT" }).resolves({ Count: 2 });
    dynamoMock.on(BatchWriteItemCommand).resolves({});
    // The listing that clears the bucket, then the count after the restore.
    s3Mock
      .on(ListObjectsV2Command, { ContinuationToken: undefined, MaxKeys: undefined })
      .resolvesOnce({ Contents: [{ Key: "old" }] })
      .resolves({ Contents: [{ Key: "orders/a.json" }] });
    s3Mock.on(DeleteObjectsCommand).resolves({});
    // Act
    const result = await restore(system, clients, { dir, allowBusy: false, replace: true }, () => {});
    // Assert
    expect(result.cleared).toEqual({ items: 2, objects: 1 });
    expect(dynamoMock).toHaveReceivedNthCommandWith(BatchWriteItemCommand, 1, {
      RequestItems: { [system.table]: [{ DeleteRequest: { Key: item(8) } }, { DeleteRequest: { Key: item(9) } }] },
    });
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectsCommand, {
      Delete: { Objects: [{ Key: "old" }], Quiet: true },
    });
  });

  it("refuses a snapshot whose checksums do not match before it calls anything", async () => {
    // Arrange
    const dir = await aBackup();
    const text = await readFile(join(dir, "table.jsonl"), "utf8");
    await writeFile(join(dir, "table.jsonl"), text.replace("p1", "p7"));
    // Act
    const refused = restore(system, clients, { dir, allowBusy: true, replace: true }, () => {});
    // Assert
    await expect(refused).rejects.toThrow(SnapshotRefusedError);
    await expect(refused).rejects.toThrow("table.jsonl: its SHA-256 does not match the manifest's");
    expect(dynamoMock.calls()).toHaveLength(0);
    expect(s3Mock.calls()).toHaveLength(0);
    expect(sqsMock.calls()).toHaveLength(0);
  });
});
