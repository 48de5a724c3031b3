/**
 * Map keys for the markers kept inside stock and account items. ElectroDB
 * derives an expression attribute name from a map key by dropping every
 * character that is not a letter or a digit, so `a-b` and `ab` would share
 * one name. Hex keeps every id distinct, and no hex key can be mistaken for
 * another attribute's name.
 */
export function markerKey(id: string): string {
  return `x${Buffer.from(id, "utf8").toString("hex")}`;
}
