import { DynamoAccountLedger } from "@orders/core/adapters/dynamo-account-ledger";
import { DynamoOrderRepository } from "@orders/core/adapters/dynamo-order-repository";
import { DynamoStockLedger } from "@orders/core/adapters/dynamo-stock-ledger";
import { lazyTable } from "./lazy-table.ts";
import { once } from "./once.ts";

/** Originals, duplicates and sagas' ends: the claim, the resolve and the reads are plain commands. */
export const orderRepository = once(() => new DynamoOrderRepository(lazyTable()));
/** Each sku's stock; reserve and commit are plain commands. */
export const stockLedger = once(() => new DynamoStockLedger(lazyTable()));
/** Each account's balance; the check, hold, post and credit are plain commands. */
export const accountLedger = once(() => new DynamoAccountLedger(lazyTable()));
