/**
 * The keys of an entity's indexes, as every entity of the one table declares
 * them: the table's generic key fields (`pk`/`sk` for the primary index,
 * `gsi1pk`/`gsi1sk` for gsi1, and so on) over the composite attributes given.
 * Keys keep the case of their values (ElectroDB lowercases by default): order
 * ids are case-sensitive, and "Order-1" must not collide with "order-1".
 * Each returns literal types, so that ElectroDB derives the same item and key
 * types as from keys written out in full.
 */

function key<const Field extends string, const Composite extends readonly string[]>(
  field: Field,
  composite: Composite,
) {
  return { field, composite, casing: "none" } as const;
}

/** The primary index's `pk` and `sk` over these composite attributes. */
export function primaryKeys<const Pk extends readonly string[], const Sk extends readonly string[]>(pk: Pk, sk: Sk) {
  return { pk: key("pk", pk), sk: key("sk", sk) } as const;
}

/** A global index (`gsi1`, ...) and its `<index>pk` and `<index>sk` over these composite attributes. */
export function globalIndexKeys<
  const Index extends string,
  const Pk extends readonly string[],
  const Sk extends readonly string[],
>(index: Index, pk: Pk, sk: Sk) {
  return { index, pk: key(`${index}pk`, pk), sk: key(`${index}sk`, sk) } as const;
}

/**
 * The primary index of an entity in an order's partition, the `orderHistory`
 * collection (the original, its duplicates and its notifications): keyed by
 * `orderId`, sorted by these attributes, so that one query reads them all.
 */
export function orderHistoryKeys<const Sk extends readonly string[]>(sk: Sk) {
  return { collection: "orderHistory", ...primaryKeys(["orderId"], sk) } as const;
}
