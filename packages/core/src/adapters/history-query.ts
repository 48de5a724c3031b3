import { QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import type { TableBinding } from "../entities/service.ts";
import { orderKey } from "./table-writes.ts";

/** The entities of the `orderHistory` collection: the order's partition holds them all. */
export const HISTORY_MEMBERS = ["order", "orderDuplicate", "notification"] as const;

/**
 * The query of an order's history, byte for byte what ElectroDB's
 * `collections.orderHistory({ orderId })` sends (test/unit/adapters/history-query.test.ts
 * checks it against a Service of every entity).
 *
 * Why not ElectroDB's Service: building one checks every entity it joins
 * against ElectroDB's JSON Schema again, 10 to 20 ms of the cold start of
 * GET /orders/{id} and of the Notifier, which read a history on every request,
 * for a query whose shape never changes. The items are read back as each
 * entity's `parse` reads them (stored-items.ts).
 */
export function historyQuery(table: string, orderId: string): QueryCommandInput {
  const values: Record<string, string> = { ":pk": orderKey(orderId).pk, ":sk1": "$orderHistory" };
  const members = HISTORY_MEMBERS.map((entity) => {
    values[`:__edb_e___${entity}_c0`] = entity;
    values[`:__edb_v___${entity}_c0`] = "1";
    return `(#__edb_e__ = :__edb_e___${entity}_c0 AND #__edb_v__ = :__edb_v___${entity}_c0)`;
  });
  return {
    KeyConditionExpression: "#pk = :pk and begins_with(#sk1, :sk1)",
    TableName: table,
    ExpressionAttributeNames: { "#pk": "pk", "#sk1": "sk", "#__edb_e__": "__edb_e__", "#__edb_v__": "__edb_v__" },
    ExpressionAttributeValues: values,
    FilterExpression: `(${members.join(" OR ")})`,
  };
}

/** Every item of an order's history, all pages, as stored. */
export async function queryHistory(binding: TableBinding, orderId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let from: Record<string, unknown> | undefined;
  do {
    const page = await binding.client.send(
      new QueryCommand({ ...historyQuery(binding.table, orderId), ...(from ? { ExclusiveStartKey: from } : {}) }),
    );
    items.push(...(page.Items ?? []));
    from = page.LastEvaluatedKey;
  } while (from);
  return items;
}
