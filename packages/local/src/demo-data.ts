import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoAccountLedger } from "@orders/core/adapters/dynamo-account-ledger";
import { DynamoStockLedger } from "@orders/core/adapters/dynamo-stock-ledger";
import { tableAccess } from "@orders/core/adapters/table-access";
import { StockNotFoundError } from "@orders/core/domain/errors";
import { ordersService } from "@orders/core/entities/service";
import { depositFunds } from "@orders/core/use-cases/accounts/deposit-funds";
import { openAccount } from "@orders/core/use-cases/accounts/open-account";
import { getStock } from "@orders/core/use-cases/inventory/get-stock";
import { setStock } from "@orders/core/use-cases/inventory/set-stock";
import { localCredentials } from "./environment.ts";

/**
 * The demo data the README's examples use: accounts with funds and skus in
 * stock, loaded through the same use cases and adapters as the admin API,
 * straight against the table (no request log, no fault switch).
 *
 * Every call is idempotent: opening an account again changes nothing, a
 * deposit applies once per reference, and a sku is stocked only while it has
 * no stock item, so a later start never undoes what the examples (or you) did.
 */

/** Accounts to open, and what each gets deposited once. Amounts in currency units. */
export const DEMO_ACCOUNTS: readonly { accountId: string; deposit?: number }[] = [
  // Pays order-001 (2580) and the unknown-account example.
  { accountId: "1111111", deposit: 10_000 },
  // The payee of every example.
  { accountId: "7777777" },
  // Too poor for the insufficient-funds example (580).
  { accountId: "2222222", deposit: 100 },
];

/** Skus to stock when they have no stock item yet. */
export const DEMO_STOCK: readonly { sku: string; onHand: number }[] = [
  { sku: "KB-01", onHand: 100 },
  { sku: "MS-02", onHand: 100 },
  // One unit, so that the out-of-stock example (3 of them) falls short.
  { sku: "GPU-9", onHand: 1 },
];

/** The deposit reference of an account's demo funds: fixed, so the deposit applies once ever. */
export const demoDepositReference = (accountId: string) => `demo-${accountId}`;

/**
 * Loads the demo data into the local table. Returns one line saying what it
 * did; it never throws, since a failure here must not stop the system: the
 * next start tries again.
 */
export async function loadDemoData(target: { dynamoEndpoint: string; table: string }): Promise<string> {
  const credentials = localCredentials();
  const client = new DynamoDBClient({
    endpoint: target.dynamoEndpoint,
    region: credentials.AWS_REGION,
    credentials: {
      accessKeyId: credentials.AWS_ACCESS_KEY_ID ?? "local",
      secretAccessKey: credentials.AWS_SECRET_ACCESS_KEY ?? "local",
    },
  });
  const service = ordersService({ client: DynamoDBDocumentClient.from(client), table: target.table });
  const accounts = { accounts: new DynamoAccountLedger(tableAccess(service)) };
  const stock = { stock: new DynamoStockLedger(tableAccess(service)) };
  const opened: string[] = [];
  const stocked: string[] = [];
  try {
    for (const { accountId, deposit } of DEMO_ACCOUNTS) {
      if ((await openAccount(accountId, accounts)).created) opened.push(accountId);
      if (deposit !== undefined) {
        await depositFunds(accountId, { amount: deposit, reference: demoDepositReference(accountId) }, accounts);
      }
    }
    for (const { sku, onHand } of DEMO_STOCK) {
      const exists = await getStock(sku, stock).then(
        () => true,
        (error: unknown) => {
          if (error instanceof StockNotFoundError) return false;
          throw error;
        },
      );
      if (exists) continue;
      await setStock(sku, { onHand }, stock);
      stocked.push(`${sku} ×${onHand}`);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `demo data: not loaded (${reason}); the next start tries again`;
  } finally {
    client.destroy();
  }
  if (opened.length === 0 && stocked.length === 0) {
    const skus = DEMO_STOCK.map((item) => item.sku).join(", ");
    return `demo data: in place (accounts ${DEMO_ACCOUNTS.map((a) => a.accountId).join(", ")}; skus ${skus})`;
  }
  const funds = (id: string) => DEMO_ACCOUNTS.find((account) => account.accountId === id)?.deposit;
  const list = opened.map((id) => (funds(id) ? `${id} (${funds(id)})` : id)).join(", ");
  return (
    `demo data: opened accounts ${list || "none"}; stocked ${stocked.join(", ") || "nothing"}` +
    " (the README's examples use them; npm run reset clears them)"
  );
}
