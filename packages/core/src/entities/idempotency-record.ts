/**
 * The table's TTL attribute: where Powertools' idempotency layer writes each
 * record's expiry (its default `expiryAttr`), in epoch seconds. In a module
 * with no entity, so that POST /orders, which keeps idempotency records but
 * reads no entity, does not bundle ElectroDB.
 */
export const IDEMPOTENCY_EXPIRY_ATTRIBUTE = "expiration";
