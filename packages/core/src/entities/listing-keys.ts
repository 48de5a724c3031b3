import type { OrderRecord } from "../domain/order.ts";
import { isListedAccount } from "../domain/validation.ts";

// The order entity's service (order.ts), as ElectroDB prefixes its keys.
const SERVICE = "orders";

/**
 * The sparse listing indexes' keys of an original, as ElectroDB writes them:
 * `byPayer` (gsi2) under a well-formed `fromAccount`, `byPayee` (gsi3) under
 * a well-formed `toAccount`, each sorted by `receivedAt`, then the order id.
 */
export function listingKeys(record: Pick<OrderRecord, "orderId" | "receivedAt" | "fromAccount" | "toAccount">) {
  const sk = `$order_1#receivedAt_${record.receivedAt}#orderId_${record.orderId}`;
  const keys: { gsi2pk?: string; gsi2sk?: string; gsi3pk?: string; gsi3sk?: string } = {};
  if (isListedAccount(record.fromAccount)) {
    keys.gsi2pk = `$${SERVICE}#fromAccount_${record.fromAccount}`;
    keys.gsi2sk = sk;
  }
  if (isListedAccount(record.toAccount)) {
    keys.gsi3pk = `$${SERVICE}#toAccount_${record.toAccount}`;
    keys.gsi3sk = sk;
  }
  return keys;
}
