import { type AttributeValue, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { accountKey, stockKey } from "@orders/core/adapters/table-writes";
import type { OrderMessage } from "@orders/core/domain/order";
import { createOrderValidator } from "@orders/core/domain/validation";
import { processOrder } from "@orders/core/use-cases/process-order";
import { anOrderMessage, anOrderWithItems } from "@orders/harness/factories";
import { itemSizeBytes } from "@orders/harness/item-size";
import { localStage } from "@orders/harness/local-stage";
import { round } from "@orders/harness/stats";
import { startEmulators } from "../packages/local/src/emulators.ts";

/** One window of the run: orders processed in it, their write units, and how fast. */
export interface HotWindow {
  from: number;
  to: number;
  writeUnitsPerOrder: number;
  ordersPerSecond: number;
}

export interface HotLedgerResult {
  orders: number;
  concurrency: number;
  confirmed: number;
  /** Write units per order (from item sizes, as DynamoDB bills them) over the first and the last 1,000 orders. */
  first: HotWindow;
  last: HotWindow;
  /** Orders per second in each fifth of the run. */
  fifths: number[];
  /** The last fifth's rate over the first's: the goal is at least 0.5. */
  lastFifthOverFirst: number;
  /** The largest the merchant's and the sku's items were, sampled every 100 orders, in bytes. */
  largestItemBytes: { merchant: number; sku: number; payer: number };
  /** Write units per order over the whole run, by the kind of item written. */
  writeUnitsPerOrderByItem: Record<string, number>;
  seconds: number;
}

/** The kind of item a write names, from its key's sort key (a batch: its first item's), e.g. `account`. */
function itemKind(input: Record<string, unknown>): string {
  type Key = Record<string, AttributeValue | string>;
  const batch = input.RequestItems as Record<string, { PutRequest?: { Item?: Key } }[]> | undefined;
  const key = (input.Key ?? input.Item ?? (batch ? Object.values(batch)[0]?.[0]?.PutRequest?.Item : undefined)) as
    | Key
    | undefined;
  const sk = key?.sk;
  const text = typeof sk === "string" ? sk : (sk?.S ?? "");
  const kind = /^\$([A-Za-z]+)/.exec(text)?.[1] ?? "other";
  return batch ? `${kind} (archived)` : kind;
}

const WRITES = new Set(["PutItemCommand", "UpdateItemCommand", "DeleteItemCommand", "BatchWriteItemCommand"]);

type Next = (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>;

/**
 * One merchant paid by every order and one sku every order buys: `orders`
 * one-unit orders from twenty payers, `concurrency` at a time, through the
 * saga in this process against dynalite. Every write asks DynamoDB's consumed
 * capacity (`ReturnConsumedCapacity`), which dynalite reckons from the item's
 * size before and after the write, as DynamoDB bills it; the write units per
 * order of the first and last 1,000 orders must be equal, whatever the history.
 */
export async function hotLedger(options: { orders: number; concurrency: number }): Promise<HotLedgerResult> {
  const started = Date.now();
  const emulators = await startEmulators({ sqsS3Port: 0, dynamoPort: 0 });
  try {
    const stage = await localStage(emulators);
    const table = await import("@orders/functions/composition/table");
    const { orderArchive } = await import("@orders/functions/composition/bucket");
    const { orderEvents } = await import("@orders/functions/composition/topic");
    const client = table.dynamoClient();
    let units = 0;
    const byItem: Record<string, number> = {};
    (
      client.middlewareStack as unknown as {
        add(m: (next: Next, context: { commandName?: string }) => Next, o: { step: "initialize"; name: string }): void;
      }
    ).add(
      (next, context) => async (args) => {
        if (!WRITES.has(context.commandName ?? "")) return next(args);
        args.input.ReturnConsumedCapacity = "TOTAL";
        const kind = itemKind(args.input);
        const count = (consumed: unknown) => {
          const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
          for (const entry of list) {
            const n = Number((entry as { CapacityUnits?: number }).CapacityUnits ?? 0);
            units += n;
            byItem[kind] = (byItem[kind] ?? 0) + n;
          }
        };
        try {
          const result = await next(args);
          count(result.output.ConsumedCapacity);
          return result;
        } catch (error) {
          // A refused conditional write is billed too: DynamoDB charges the units of the item it read.
          count((error as { ConsumedCapacity?: unknown }).ConsumedCapacity);
          throw error;
        }
      },
      { step: "initialize", name: "benchConsumedCapacity" },
    );
    const accounts = table.accountLedger();
    const stock = table.stockLedger();
    const deps = {
      repository: table.orderRepository(),
      stock,
      accounts,
      events: orderEvents(),
      archive: orderArchive(),
      validate: createOrderValidator(),
    };
    const now = () => new Date().toISOString();
    const payers = Array.from({ length: 20 }, (_, i) => `30000000${String(i).padStart(4, "0")}`);
    const merchant = "700000000001";
    const sku = "HOT-LEDGER-1";
    for (const id of [...payers, merchant]) await accounts.open(id, now());
    for (const id of payers) await accounts.deposit(id, "bench", options.orders * 100, now());
    await stock.setOnHand(sku, options.orders, now());
    const raw = async (key: { pk: string; sk: string }): Promise<Record<string, AttributeValue>> => {
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: stage.resources.table,
          Key: { pk: { S: key.pk }, sk: { S: key.sk } },
          ConsistentRead: true,
        }),
      );
      return Item ?? {};
    };
    const largest = { merchant: 0, sku: 0, payer: 0 };
    const message = (i: number): OrderMessage =>
      anOrderMessage(
        anOrderWithItems([{ sku, quantity: 1, unitPrice: 1 }], {
          id: `hot-${i}`,
          fromAccount: payers[i % payers.length],
          toAccount: merchant,
        }),
      );

    const marks: { orders: number; units: number; at: number }[] = [{ orders: 0, units: 0, at: Date.now() }];
    let confirmed = 0;
    units = 0;
    for (const name of Object.keys(byItem)) delete byItem[name];
    for (let done = 0; done < options.orders; ) {
      const batch = Array.from({ length: Math.min(options.concurrency, options.orders - done) }, (_, k) => done + k);
      const results = await Promise.all(batch.map((i) => processOrder(message(i), deps)));
      confirmed += results.filter(({ record }) => record.status === "CONFIRMED").length;
      done += batch.length;
      // Reads are not writes: sampling the items adds no write units.
      if (done % 100 < options.concurrency || done === options.orders) {
        largest.merchant = Math.max(largest.merchant, itemSizeBytes(await raw(accountKey(merchant))));
        largest.sku = Math.max(largest.sku, itemSizeBytes(await raw(stockKey(sku))));
        largest.payer = Math.max(largest.payer, itemSizeBytes(await raw(accountKey(payers[0] as string))));
      }
      marks.push({ orders: done, units, at: Date.now() });
    }

    const window = (from: number, to: number): HotWindow => {
      const start = marks.find((mark) => mark.orders >= from) ?? marks[0];
      const end = marks.find((mark) => mark.orders >= to) ?? marks.at(-1);
      if (!start || !end || end.orders === start.orders) return { from, to, writeUnitsPerOrder: 0, ordersPerSecond: 0 };
      return {
        from: start.orders,
        to: end.orders,
        writeUnitsPerOrder: round((end.units - start.units) / (end.orders - start.orders), 2),
        ordersPerSecond: round(((end.orders - start.orders) * 1000) / Math.max(1, end.at - start.at)),
      };
    };
    const size = Math.min(1000, options.orders);
    const fifth = Math.floor(options.orders / 5);
    const fifths = [0, 1, 2, 3, 4].map((k) => window(k * fifth, (k + 1) * fifth).ordersPerSecond);
    return {
      orders: options.orders,
      concurrency: options.concurrency,
      confirmed,
      first: window(0, size),
      last: window(options.orders - size, options.orders),
      fifths,
      lastFifthOverFirst: round((fifths[4] ?? 0) / Math.max(1, fifths[0] ?? 1), 2),
      largestItemBytes: largest,
      writeUnitsPerOrderByItem: Object.fromEntries(
        Object.entries(byItem).map(([name, n]) => [name, round(n / options.orders, 2)]),
      ),
      seconds: round((Date.now() - started) / 1000),
    };
  } finally {
    await emulators.stop();
  }
}
