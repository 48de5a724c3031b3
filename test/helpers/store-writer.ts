/**
 * A child process for the store's kill test (test/integration/local-table-store.test.ts):
 * starts the local emulators on a data directory, as `npm start --data-dir`
 * does, then adds 1 to twelve ~40 KB items until it is killed. It prints
 * `start {counters}` once it has read every counter, `ack <item> <n>` for each
 * acknowledged write, and `stale <item> …` when a write found a counter other
 * than the one its item's last acknowledged write left.
 */
import { GetItemCommand, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { startEmulators } from "../../packages/local/src/emulators.ts";
import { createScratchTable, emulatorClient } from "./scratch-table.ts";

const [dataDir = ""] = process.argv.slice(2);
const emulators = await startEmulators({ sqsS3Port: 0, dynamoPort: 0, dataDir });
const dynamo = emulatorClient(emulators.dynamoEndpoint);
const TableName = "store-kill-test";
const items = Array.from({ length: 12 }, (_, i) => `item-${i}`);
const Key = (id: string) => ({ pk: { S: id } });

try {
  await createScratchTable(dynamo, TableName);
  for (const id of items) {
    await dynamo.send(
      new PutItemCommand({ TableName, Item: { ...Key(id), n: { N: "0" }, pad: { S: "x".repeat(40_000) } } }),
    );
  }
} catch (error) {
  if ((error as { name?: string }).name !== "ResourceInUseException") throw error;
}

const counters: Record<string, number> = {};
for (const id of items) {
  const { Item } = await dynamo.send(new GetItemCommand({ TableName, Key: Key(id), ConsistentRead: true }));
  counters[id] = Number(Item?.n?.N ?? 0);
}
process.stdout.write(`start - ${JSON.stringify(counters)}\n`);

// Six writers, two items each: no item has two writers, so each knows what it must read.
await Promise.all(
  Array.from({ length: 6 }, async (_, writer) => {
    for (let i = 0; ; i++) {
      const id = items[writer * 2 + (i % 2)] as string;
      const { Attributes } = await dynamo.send(
        new UpdateItemCommand({
          TableName,
          Key: Key(id),
          UpdateExpression: "ADD n :one SET t = :t",
          ExpressionAttributeValues: { ":one": { N: "1" }, ":t": { S: new Date().toISOString() } },
          ReturnValues: "UPDATED_NEW",
        }),
      );
      const n = Number(Attributes?.n?.N);
      const expected = (counters[id] ?? 0) + 1;
      if (n !== expected) process.stdout.write(`stale ${id} expected ${expected} got ${n}\n`);
      counters[id] = n;
      process.stdout.write(`ack ${id} ${n}\n`);
    }
  }),
);
