import {
  BatchGetCommand,
  type BatchGetCommandInput,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { OrderRecord, OrderResolution } from "../domain/order.ts";
import { listingKeys } from "../entities/listing-keys.ts";
import type { TableBinding } from "../entities/service.ts";

/**
 * The processor's hot writes, built as ElectroDB builds them, without its
 * builder.
 *
 * ElectroDB's fluent chain (`patch().data().where().go()`) rebuilds its
 * clause state, attribute proxies and expression names on every call: the
 * profile (bench/results/processor-profile.md) put it at a third of the
 * processor's CPU, ~250 µs per write, for writes whose shape never changes.
 * So the writes a valid original makes on every run (claim, account check,
 * reserve, hold, post, credit, commit, resolve) are written out here, byte
 * for byte what ElectroDB sends: the same keys, identifiers, names, values and
 * conditions, so that items stay ElectroDB's and every read still goes through
 * it. test/unit/adapters/table-writes.test.ts checks each against ElectroDB's
 * own `.params()` for the same call. The rare paths (release, void, races,
 * admin) keep the builder.
 *
 * The protocol is untouched: each marker is set in the same conditional write
 * as the counters it guards, and a write that adds one is fenced
 * (`ledger-fence.ts`).
 */

const SERVICE = "orders";

/** Keys exactly as ElectroDB writes them (casing "none", version 1). */
export const stockKey = (sku: string) => ({ pk: `$${SERVICE}#sku_${sku}`, sk: "$stock_1" });
export const accountKey = (accountId: string) => ({ pk: `$${SERVICE}#accountId_${accountId}`, sk: "$account_1" });
export const orderKey = (orderId: string) => ({ pk: `$${SERVICE}#orderId_${orderId}`, sk: "$orderHistory#order_1" });
/** An archived reservation's key and an archived ledger entry's, as ElectroDB writes them. */
export const reservationKey = (sku: string, key: string) => ({
  pk: `$${SERVICE}#sku_${sku}#markerKey_${key}`,
  sk: "$stockReservation_1",
});
export const entryKey = (accountId: string, transferId: string) => ({
  pk: `$${SERVICE}#accountId_${accountId}#transferId_${transferId}`,
  sk: "$accountEntry_1",
});

/** The map key's expression name: ElectroDB keeps only letters and digits (marker keys have nothing else). */
const nameOf = (mapKey: string) => `#${mapKey}`;

/**
 * The fence on a write that adds a marker (see `ledger-fence.ts`): the item's
 * `gen` is still the one the writer read (absent for 0), and its map holds
 * fewer than `cap` markers. As ElectroDB writes `op.notExists(item.gen)` or
 * `op.eq(item.gen, gen)`, then `op.size(item[map]) < op.value(item[map], cap)`.
 */
export interface Fence {
  gen: number;
  cap: number;
}

function fenced(fence: Fence, map: "holds" | "transfers") {
  return {
    condition: `${fence.gen === 0 ? "attribute_not_exists(#gen)" : "#gen = :gen0"} AND size(#${map}) < :${map}0`,
    names: { "#gen": "gen" },
    values: { ...(fence.gen === 0 ? {} : { ":gen0": fence.gen }), [`:${map}0`]: fence.cap },
  };
}

/** What every ElectroDB patch adds: the item must exist, and it rewrites its composite and identifiers. */
function patch(
  table: string,
  key: { pk: string; sk: string },
  entity: string,
  composite: [name: string, value: string],
  parts: {
    set: string[];
    add?: string;
    condition: string;
    /** The marker's map key, named apart: it differs on every order. */
    marker: string;
    names: Record<string, string>;
    values: Record<string, unknown>;
    /** A write that adds or settles a marker returns the item after it, to see whether it is time to archive. */
    returnNew?: boolean;
  },
): UpdateCommandInput {
  const [attribute, value] = composite;
  // Every order names a marker of its own: in an ordinary object literal each
  // new name is a new hidden class for V8 (~10 µs a write, and garbage); a
  // dictionary from the start just takes it.
  const names: Record<string, string> = Object.create(null);
  names["#pk"] = "pk";
  names["#sk"] = "sk";
  Object.assign(names, parts.names);
  names[nameOf(parts.marker)] = parts.marker;
  names[`#${attribute}`] = attribute;
  names["#__edb_e__"] = "__edb_e__";
  names["#__edb_v__"] = "__edb_v__";
  const set = [
    ...parts.set,
    `#${attribute} = :${attribute}_u0`,
    "#__edb_e__ = :__edb_e___u0",
    "#__edb_v__ = :__edb_v___u0",
  ].join(", ");
  return {
    UpdateExpression: `SET ${set}${parts.add ? ` ADD ${parts.add}` : ""}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: {
      ...parts.values,
      [`:${attribute}_u0`]: value,
      ":__edb_e___u0": entity,
      ":__edb_v___u0": "1",
    },
    TableName: table,
    Key: key,
    ReturnValues: parts.returnNew ? "ALL_NEW" : "NONE",
    ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    ConditionExpression: `attribute_exists(#pk) AND attribute_exists(#sk) AND ${parts.condition}`,
  };
}

/**
 * Counters move by `ADD` only, down as well as up (ElectroDB's `add` of a
 * negative amount), never by ElectroDB's `subtract`: its `SET #c =
 * (if_not_exists(#c, :d) - :n)` is the same change in DynamoDB, but moto's
 * server answers that parenthesised form with a 500, and moto is the second
 * integration backend.
 */

/**
 * A new marker that moves `amount` from one counter to another, if the first
 * covers it and the marker is not there yet (and the fence holds): a
 * reservation (available → reserved) and a payment hold (balance → held) are
 * the same write on different items.
 */
function holdingWrite(
  table: string,
  item: { key: { pk: string; sk: string }; entity: string; composite: [name: string, value: string] },
  map: "holds" | "transfers",
  [from, to]: [from: string, to: string],
  markerKey: string,
  amount: number,
  marker: unknown,
  at: string,
  fence: Fence,
): UpdateCommandInput {
  const name = nameOf(markerKey);
  const guard = fenced(fence, map);
  return patch(table, item.key, item.entity, item.composite, {
    set: [`#${map}.${name} = :${map}_u0`, "#updatedAt = :updatedAt_u0"],
    add: `#${from} :${from}_u0, #${to} :${to}_u0`,
    condition: `#${from} >= :${from}0 AND attribute_not_exists(#${map}.${name}) AND ${guard.condition}`,
    marker: markerKey,
    returnNew: true,
    names: { [`#${from}`]: from, [`#${map}`]: map, [`#${to}`]: to, "#updatedAt": "updatedAt", ...guard.names },
    values: {
      ...guard.values,
      [`:${from}0`]: amount,
      [`:${from}_u0`]: -amount,
      [`:${to}_u0`]: amount,
      [`:${map}_u0`]: marker,
      ":updatedAt_u0": at,
    },
  });
}

/** Reserve `quantity` of a sku: available down, reserved up, the marker set, if it fits and is not there yet. */
export function reserveWrite(
  table: string,
  sku: string,
  markerKey: string,
  quantity: number,
  marker: string,
  at: string,
  fence: Fence,
): UpdateCommandInput {
  const item = { key: stockKey(sku), entity: "stock", composite: ["sku", sku] as [string, string] };
  return holdingWrite(table, item, "holds", ["available", "reserved"], markerKey, quantity, marker, at, fence);
}

/** Commit a held reservation: on hand and reserved down, the marker moved from `held` to `committed`. */
export function commitWrite(
  table: string,
  sku: string,
  markerKey: string,
  quantity: number,
  markers: { held: string; committed: string },
  at: string,
): UpdateCommandInput {
  const name = nameOf(markerKey);
  return patch(table, stockKey(sku), "stock", ["sku", sku], {
    set: [`#holds.${name} = :holds_u0`, "#updatedAt = :updatedAt_u0"],
    add: "#onHand :onHand_u0, #reserved :reserved_u0",
    condition: `#holds.${name} = :holds0`,
    marker: markerKey,
    returnNew: true,
    names: {
      "#holds": "holds",
      "#onHand": "onHand",
      "#reserved": "reserved",
      "#updatedAt": "updatedAt",
    },
    values: {
      ":holds0": markers.held,
      ":onHand_u0": -quantity,
      ":reserved_u0": -quantity,
      ":holds_u0": markers.committed,
      ":updatedAt_u0": at,
    },
  });
}

/** Hold a payment: balance down, held up, the entry set, if the balance covers it and the transfer is new. */
export function holdWrite(
  table: string,
  accountId: string,
  markerKey: string,
  amountCents: number,
  entry: object,
  at: string,
  fence: Fence,
): UpdateCommandInput {
  const item = {
    key: accountKey(accountId),
    entity: "account",
    composite: ["accountId", accountId] as [string, string],
  };
  return holdingWrite(table, item, "transfers", ["balance", "held"], markerKey, amountCents, entry, at, fence);
}

/** Post a held payment: held down, the entry's status HELD → POSTED, if it holds exactly this amount. */
export function postWrite(
  table: string,
  accountId: string,
  markerKey: string,
  amountCents: number,
  at: string,
): UpdateCommandInput {
  const name = nameOf(markerKey);
  return patch(table, accountKey(accountId), "account", ["accountId", accountId], {
    set: [`#transfers.${name}.#s = :transfers_u0`, "#updatedAt = :updatedAt_u0"],
    add: "#held :held_u0",
    condition: `#transfers.${name}.#s = :transfers0 AND #transfers.${name}.#a = :transfers1`,
    marker: markerKey,
    returnNew: true,
    names: {
      "#transfers": "transfers",
      "#s": "s",
      "#a": "a",
      "#held": "held",
      "#updatedAt": "updatedAt",
    },
    values: {
      ":transfers0": "HELD",
      ":transfers1": amountCents,
      ":held_u0": -amountCents,
      ":transfers_u0": "POSTED",
      ":updatedAt_u0": at,
    },
  });
}

/** Add a posted entry's amount to the balance, once per transfer. */
export function addFundsWrite(
  table: string,
  accountId: string,
  markerKey: string,
  amountCents: number,
  entry: object,
  at: string,
  fence: Fence,
): UpdateCommandInput {
  const name = nameOf(markerKey);
  const guard = fenced(fence, "transfers");
  return patch(table, accountKey(accountId), "account", ["accountId", accountId], {
    set: [`#transfers.${name} = :transfers_u0`, "#updatedAt = :updatedAt_u0"],
    add: "#balance :balance_u0",
    condition: `attribute_not_exists(#transfers.${name}) AND ${guard.condition}`,
    marker: markerKey,
    returnNew: true,
    names: { "#transfers": "transfers", "#balance": "balance", "#updatedAt": "updatedAt", ...guard.names },
    values: { ...guard.values, ":balance_u0": amountCents, ":transfers_u0": entry, ":updatedAt_u0": at },
  });
}

/**
 * Archiving's removal (`ledger-fence.ts`): these markers out of the item's
 * map, `gen` one up, and the counters in `sums` moved by ADD (an account's
 * totals of what it archived), on condition that `gen` is still `from`
 * (absent for 0): so the sums move once per marker. Built by hand because
 * ElectroDB refuses to remove a path inside a required attribute; the item
 * keeps ElectroDB's shape.
 */
export function removeMarkersWrite(
  table: string,
  key: { pk: string; sk: string },
  map: "holds" | "transfers",
  markerKeys: string[],
  from: number,
  sums: Record<string, number> = {},
): UpdateCommandInput {
  const names: Record<string, string> = Object.create(null);
  names["#pk"] = "pk";
  names["#sk"] = "sk";
  names["#gen"] = "gen";
  names[`#${map}`] = map;
  for (const markerKey of markerKeys) names[nameOf(markerKey)] = markerKey;
  const values: Record<string, unknown> = { ":gen_u0": from + 1, ...(from === 0 ? {} : { ":gen0": from }) };
  const add = Object.entries(sums).map(([name, value]) => {
    names[`#${name}`] = name;
    values[`:${name}_u0`] = value;
    return `#${name} :${name}_u0`;
  });
  return {
    UpdateExpression: `SET #gen = :gen_u0 ${add.length ? `ADD ${add.join(", ")} ` : ""}REMOVE ${markerKeys.map((markerKey) => `#${map}.${nameOf(markerKey)}`).join(", ")}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    TableName: table,
    Key: key,
    ReturnValues: "NONE",
    ConditionExpression: `attribute_exists(#pk) AND attribute_exists(#sk) AND ${from === 0 ? "attribute_not_exists(#gen)" : "#gen = :gen0"}`,
  };
}

/**
 * Read which of these accounts exist: their ids, and their archive generation
 * (`ledger-fence.ts`), so that the hold and the credit that follow know it.
 */
export function accountIdsRead(table: string, accountIds: string[]): BatchGetCommandInput {
  return {
    RequestItems: {
      [table]: {
        ExpressionAttributeNames: { "#pk": "pk", "#sk": "sk", "#accountId": "accountId", "#gen": "gen" },
        ProjectionExpression: "#pk, #sk, #accountId, #gen",
        Keys: accountIds.map(accountKey),
      },
    },
  };
}

/**
 * Claim an order id: put its original unless one exists. A PENDING original
 * is in the sparse `pendingByAge` index; any other status is not. An original
 * with well-formed account ids is in the listing indexes, whatever its status.
 */
export function claimWrite(table: string, record: OrderRecord & { sweepShard: number }): PutCommandInput {
  const item: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record)) if (value !== undefined) item[name] = value;
  Object.assign(item, orderKey(record.orderId));
  if (record.status === "PENDING") {
    item.gsi1pk = `$${SERVICE}#sweepShard_${record.sweepShard}`;
    item.gsi1sk = `$order_1#receivedAt_${record.receivedAt}`;
  }
  Object.assign(item, listingKeys(record));
  item.__edb_e__ = "order";
  item.__edb_v__ = "1";
  return {
    Item: item,
    TableName: table,
    ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    ConditionExpression: "attribute_not_exists(#pk) AND attribute_not_exists(#sk)",
    ExpressionAttributeNames: { "#pk": "pk", "#sk": "sk" },
  };
}

/**
 * Write a saga's end on its original, while its status is still `from`: the
 * resolution's fields, the run's log appended, and the order out of the
 * sparse PENDING index. Because `receivedAt` is a composite of the listing
 * indexes too, ElectroDB requires their other composites (the accounts) and
 * sets their keys again: the same values, so DynamoDB writes no index entry.
 * (A saga runs only on a valid original, whose account ids are well formed.)
 */
export function resolveWrite(
  table: string,
  record: OrderRecord,
  resolution: OrderResolution,
  sweepShard: number,
  from: OrderRecord["status"] = "PENDING",
): UpdateCommandInput {
  const { saga, failure, payment, ...fields } = resolution;
  const fieldsSet: Record<string, unknown> = {
    ...fields,
    ...(failure ? { failure } : {}),
    ...(payment ? { payment } : {}),
    receivedAt: record.receivedAt,
    sweepShard,
    fromAccount: record.fromAccount,
    toAccount: record.toAccount,
  };
  const listing = listingKeys(record);
  if (listing.gsi2pk === undefined || listing.gsi3pk === undefined) {
    throw new Error(`Order ${record.orderId} has a malformed account id: it has no saga to resolve`);
  }
  const set: string[] = [];
  const names: Record<string, string> = { "#pk": "pk", "#sk": "sk" };
  const values: Record<string, unknown> = { ":status0": from };
  for (const [name, value] of Object.entries(fieldsSet)) {
    if (value === undefined) continue;
    set.push(`#${name} = :${name}_u0`);
    names[`#${name}`] = name;
    values[`:${name}_u0`] = value;
  }
  set.push("#saga = list_append(if_not_exists(#saga, :saga_default_value_u0), :saga_u0)");
  names["#saga"] = "saga";
  values[":saga_u0"] = saga;
  values[":saga_default_value_u0"] = [];
  for (const [name, value] of Object.entries(listing)) {
    set.push(`#${name} = :${name}_u0`);
    names[`#${name}`] = name;
    values[`:${name}_u0`] = value;
  }
  names["#gsi1pk"] = "gsi1pk";
  names["#gsi1sk"] = "gsi1sk";
  set.push("#orderId = :orderId_u0", "#__edb_e__ = :__edb_e___u0", "#__edb_v__ = :__edb_v___u0");
  names["#orderId"] = "orderId";
  names["#__edb_e__"] = "__edb_e__";
  names["#__edb_v__"] = "__edb_v__";
  values[":orderId_u0"] = record.orderId;
  values[":__edb_e___u0"] = "order";
  values[":__edb_v___u0"] = "1";
  return {
    UpdateExpression: `SET ${set.join(", ")} REMOVE #gsi1pk, #gsi1sk`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    TableName: table,
    Key: orderKey(record.orderId),
    ReturnValues: "NONE",
    ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    ConditionExpression: "attribute_exists(#pk) AND attribute_exists(#sk) AND #status = :status0",
  };
}

/** A conditional write's outcome, as ElectroDB's `returnOnConditionCheckFailure: "all_old"` reports it. */
export type WriteOutcome<T> = { rejected: false; data: T | null } | { rejected: true; data: T | null };

/**
 * Sends one conditional write. A failed condition is an outcome, not an
 * error: it comes back `rejected`, with the item DynamoDB returned (if it
 * did) read by the reader given (stored-items.ts), as the entity's `parse`
 * reads it. Any other error is
 * thrown as the SDK threw it.
 */
export async function sendWrite<T>(
  binding: TableBinding,
  input: PutCommandInput | UpdateCommandInput,
  parse: (item: Record<string, unknown>) => T | null,
): Promise<WriteOutcome<T>> {
  try {
    if ("Item" in input) {
      await binding.client.send(new PutCommand(input));
      return { rejected: false, data: null };
    }
    const { Attributes } = await binding.client.send(new UpdateCommand(input));
    return { rejected: false, data: Attributes ? parse(Attributes) : null };
  } catch (error) {
    if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
    const returned = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
    return { rejected: true, data: returned ? parse(unmarshall(returned)) : null };
  }
}

/**
 * Reads one item by key, strongly consistent (ElectroDB's `get().go({ consistent: true })`),
 * and reads it back through `read`; null if there is none or it is not the entity's.
 */
export async function sendGet<T>(
  binding: TableBinding,
  key: { pk: string; sk: string },
  read: (item: Record<string, unknown>) => T | null,
): Promise<T | null> {
  const { Item } = await binding.client.send(
    new GetCommand({ Key: key, TableName: binding.table, ConsistentRead: true }),
  );
  return Item ? read(Item) : null;
}

/** Reads items by key; returns the items and how many keys DynamoDB left unprocessed. */
export async function sendBatchGet(
  binding: TableBinding,
  input: BatchGetCommandInput,
): Promise<{ items: Record<string, unknown>[]; unprocessed: number }> {
  const output = await binding.client.send(new BatchGetCommand(input));
  return {
    items: output.Responses?.[binding.table] ?? [],
    unprocessed: output.UnprocessedKeys?.[binding.table]?.Keys?.length ?? 0,
  };
}
