import { randomUUID } from "node:crypto";
import { type AttributeValue, DynamoDBClient, GetItemCommand, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { accountKey, stockKey } from "@orders/core/adapters/table-writes";
import { localCredentials } from "@orders/local/environment";
import { itemSizeBytes } from "../item-size.ts";
import type { RunningSystem } from "../local-system.ts";
import { type Figures, processedSoFar, setFaults, submit } from "./harness.ts";
import { type Fixture, setUpFixture, snapshot } from "./ledger.ts";
import { finish, onFreshSystem } from "./scenarios.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads the runtime's raw items, to measure them as DynamoDB would bill them. */
async function rawItems(system: RunningSystem) {
  const credentials = localCredentials();
  const client = new DynamoDBClient({
    endpoint: system.dynamoEndpoint,
    region: credentials.AWS_REGION ?? "us-east-1",
    credentials: {
      accessKeyId: credentials.AWS_ACCESS_KEY_ID ?? "",
      secretAccessKey: credentials.AWS_SECRET_ACCESS_KEY ?? "",
    },
  });
  const { TableNames = [] } = await client.send(new ListTablesCommand({}));
  const table = TableNames.find((name) => name.endsWith("-OrdersTable"));
  if (!table) throw new Error(`no orders table among ${TableNames.join(", ")}`);
  return async (key: { pk: string; sk: string }): Promise<number> => {
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: table,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        ConsistentRead: true,
      }),
    );
    return itemSizeBytes((Item ?? {}) as Record<string, AttributeValue>);
  };
}

/**
 * One merchant paid by every order and one sku every order buys, from twenty
 * payers. Besides the invariants every scenario checks, it samples the raw
 * size of the merchant's, the sku's and a payer's items every second: every
 * one must stay under 4 KB (`itemsOver4Kb`), however many orders went
 * through. With `faults`, under 10% DynamoDB errors and 5% duplicate sends
 * (most orders then reach the DLQ at least once, and are redriven). Without,
 * it also times each fifth of the orders: the last must be processed at
 * least half as fast as the first (`slowedDown`).
 */
export function hotMerchant(orders: number, faults = true): Promise<Figures> {
  return onFreshSystem(async (system, started) => {
    const tag = randomUUID().replaceAll(/\D/g, "").padEnd(8, "0").slice(0, 8);
    const payers = Array.from({ length: 20 }, (_, i) => ({
      accountId: `6${tag}${String(i).padStart(3, "0")}`,
      depositCents: Math.ceil(orders / 20) * 100 + 10_000,
    }));
    const merchant = { accountId: `5${tag}000`, depositCents: 100 };
    const sku = `ONE-${tag}`;
    const fixture: Fixture = {
      skus: [{ sku, onHand: orders + 10, unitCents: 100 }],
      accounts: [...payers, merchant],
      unknownAccount: `4${tag}000`,
    };
    await setUpFixture(system, fixture);
    const before = await snapshot(system, fixture);
    const list = Array.from({ length: orders }, (_, i) => ({
      id: `hm-${tag}-${i}`,
      amount: 1,
      fromAccount: payers[i % payers.length]?.accountId,
      toAccount: merchant.accountId,
      items: [{ sku, quantity: 1, unitPrice: 1 }],
    }));
    const size = await rawItems(system);
    const largest = { merchant: 0, sku: 0, payer: 0 };
    const progress: { at: number; processed: number }[] = [];
    let sampling = true;
    const sampler = (async () => {
      const base = await processedSoFar(system);
      while (sampling) {
        const [m, k, p, processed] = await Promise.all([
          size(accountKey(merchant.accountId)),
          size(stockKey(sku)),
          size(accountKey(payers[0]?.accountId ?? "")),
          processedSoFar(system),
        ]);
        largest.merchant = Math.max(largest.merchant, m);
        largest.sku = Math.max(largest.sku, k);
        largest.payer = Math.max(largest.payer, p);
        progress.push({ at: Date.now(), processed: processed - base });
        await sleep(1000);
      }
    })();
    if (faults) await setFaults(system, ["DynamoDB:*@rate=0.1", "SQS:SendMessage@duplicate=0.05"]);
    const accepted = await submit(system, list);
    const figures = await finish(
      faults
        ? "hot merchant: one payee, one sku, 10% DynamoDB errors, 5% duplicate sends"
        : "hot merchant, no faults: the rate by fifth",
      system,
      list.length,
      accepted,
      started,
      { fixture, before },
      {
        afterRedrive: async () => {
          sampling = false;
          await sampler;
        },
      },
    );
    const over = Object.values(largest).filter((bytes) => bytes > 4096).length;
    const notes = [
      figures.notes,
      `largest items (bytes): merchant ${largest.merchant}, sku ${largest.sku}, payer ${largest.payer}`,
    ];
    if (faults) return { ...figures, itemsOver4Kb: over, notes: notes.filter(Boolean).join("; ") };
    // When each fifth of the orders had been processed, and how fast each went. The runtime's count of what it
    // processed can end a little short of the orders (a batch retried after a failure is counted once), so the
    // fifths are of the count it ended at.
    const total = Math.max(...progress.map((point) => point.processed));
    const fifth = total / 5;
    const reached = [0, 1, 2, 3, 4, 5].map((k) => progress.find((point) => point.processed >= k * fifth)?.at);
    const rates = [0, 1, 2, 3, 4].map((k) => {
      const [from, to] = [reached[k], reached[k + 1]];
      return from && to ? Math.round((fifth * 10_000) / Math.max(1, to - from)) / 10 : 0;
    });
    const ratio = Math.round(((rates[4] ?? 0) / Math.max(0.1, rates[0] ?? 0)) * 100) / 100;
    notes.push(`orders/s by fifth: ${rates.join(" / ")} (the last over the first: ×${ratio})`);
    return {
      ...figures,
      itemsOver4Kb: over,
      slowedDown: ratio >= 0.5 ? 0 : 1,
      notes: notes.filter(Boolean).join("; "),
    };
  });
}
