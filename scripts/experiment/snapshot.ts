import { type Api, call } from "./api.ts";
import { toCents } from "./money.ts";
import { pool } from "./pool.ts";
import type { AccountSnapshot, Snapshot, StockSnapshot } from "./types.ts";

interface StockBody {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
}
interface AccountBody {
  accountId: string;
  balance: number;
  held: number;
  available: number;
}

/** One sku's counters; a sku that was never stocked (404) reads as zeros. */
export async function readStock(api: Api, sku: string): Promise<StockSnapshot> {
  const { status, body } = await call<StockBody>(api, "GET", `/inventory/${encodeURIComponent(sku)}`);
  if (status === 404) return { sku, onHand: 0, reserved: 0, available: 0, exists: false };
  if (status !== 200) throw new Error(`GET /inventory/${sku} answered ${status}: ${JSON.stringify(body)}`);
  return { sku, onHand: body.onHand, reserved: body.reserved, available: body.available, exists: true };
}

/** One account's balance, held and available, in cents. */
export async function readAccount(api: Api, accountId: string): Promise<AccountSnapshot> {
  const { status, body } = await call<AccountBody>(api, "GET", `/accounts/${accountId}`);
  if (status !== 200) throw new Error(`GET /accounts/${accountId} answered ${status}: ${JSON.stringify(body)}`);
  return {
    accountId,
    balanceCents: toCents(body.balance),
    heldCents: toCents(body.held),
    availableCents: toCents(body.available),
  };
}

/** Every given sku and account, read through the admin API. */
export async function snapshot(api: Api, skus: string[], accountIds: string[], concurrency = 8): Promise<Snapshot> {
  const stock = new Map<string, StockSnapshot>();
  const accounts = new Map<string, AccountSnapshot>();
  await pool(skus, concurrency, async (sku) => {
    stock.set(sku, await readStock(api, sku));
  });
  await pool(accountIds, concurrency, async (id) => {
    accounts.set(id, await readAccount(api, id));
  });
  return { stock, accounts };
}
