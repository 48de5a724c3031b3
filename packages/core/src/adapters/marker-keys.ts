import { createHash } from "node:crypto";

/**
 * Map keys for the markers kept inside stock and account items.
 *
 * Every order leaves a marker in each item it touches, so their size decides
 * how many orders one hot sku or one merchant account can take before the
 * item reaches DynamoDB's 400 KB limit: a key is a 128-bit hash of the id (33
 * bytes, whatever the id's length), and the value is kept short.
 *
 * A hash also keeps ElectroDB safe: it names an expression attribute after a
 * map key with every character but letters and digits dropped, so `a-b` and
 * `ab` would share one name. The id itself is kept in the marker's value.
 */
export function markerKey(id: string): string {
  return `m${createHash("sha256").update(id, "utf8").digest("hex").slice(0, 32)}`;
}
