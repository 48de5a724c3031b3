import type { OrderRecord } from "../domain/order.ts";
import { receivedHourOf } from "../domain/order-search.ts";
import { isListedAccount } from "../domain/validation.ts";

// The order entity's service (order.ts), as ElectroDB prefixes its keys.
const SERVICE = "orders";

/**
 * The listing indexes' keys of an original, as ElectroDB writes them:
 * `byPayer` (gsi2) under a well-formed `fromAccount`, `byPayee` (gsi3) under
 * a well-formed `toAccount`, and `byReceivedHour` (gsi4, with the derived
 * `receivedHour`) for every original, each sorted by `receivedAt`, then the
 * order id.
 */
export function listingKeys(record: Pick<OrderRecord, "orderId" | "receivedAt" | "fromAccount" | "toAccount">) {
  const sk = `$order_1#receivedAt_${record.receivedAt}#orderId_${record.orderId}`;
  const receivedHour = receivedHourOf(record.receivedAt);
  // In ElectroDB's order (the derived attribute, then each index as order.ts lists it), so that a hand-built
  // write is the very write ElectroDB would make.
  return {
    receivedHour,
    ...(isListedAccount(record.fromAccount)
      ? { gsi2pk: `$${SERVICE}#fromAccount_${record.fromAccount}`, gsi2sk: sk }
      : {}),
    ...(isListedAccount(record.toAccount) ? { gsi3pk: `$${SERVICE}#toAccount_${record.toAccount}`, gsi3sk: sk } : {}),
    gsi4pk: `$${SERVICE}#receivedHour_${receivedHour}`,
    gsi4sk: sk,
  };
}
