import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { accountSchema } from "./account.ts";
import { accountEntrySchema } from "./account-entry.ts";
import { auditEntrySchema } from "./audit-entry.ts";
import { duplicateMarkerSchema } from "./duplicate-marker.ts";
import { failureSchema } from "./failure.ts";
import { notificationSchema } from "./notification.ts";
import { orderSchema } from "./order.ts";
import { orderDuplicateSchema } from "./order-duplicate.ts";
import { prevalidatedEntity } from "./prevalidated-entity.ts";
import { stockSchema } from "./stock.ts";
import { stockReservationSchema } from "./stock-reservation.ts";
import { webhookSchema } from "./webhook.ts";
import { webhookCircuitSchema } from "./webhook-circuit.ts";

/** The client and table name a service was built with. */
export interface TableBinding {
  client: DynamoDBDocumentClient;
  table: string;
}

const bindings = new WeakMap<object, TableBinding>();

/**
 * Every entity of the one table, bound to a client and a table name. No
 * ElectroDB Service joins them: its one use was the `orderHistory`
 * collection's query, which `adapters/history-query.ts` sends as ElectroDB
 * would, and building one re-checked every entity at each cold start.
 */
export function ordersService(config: TableBinding) {
  const service = {
    entities: {
      order: prevalidatedEntity(orderSchema, config),
      orderDuplicate: prevalidatedEntity(orderDuplicateSchema, config),
      duplicateMarker: prevalidatedEntity(duplicateMarkerSchema, config),
      failure: prevalidatedEntity(failureSchema, config),
      auditEntry: prevalidatedEntity(auditEntrySchema, config),
      stock: prevalidatedEntity(stockSchema, config),
      account: prevalidatedEntity(accountSchema, config),
      accountEntry: prevalidatedEntity(accountEntrySchema, config),
      stockReservation: prevalidatedEntity(stockReservationSchema, config),
      notification: prevalidatedEntity(notificationSchema, config),
      webhook: prevalidatedEntity(webhookSchema, config),
      webhookCircuit: prevalidatedEntity(webhookCircuitSchema, config),
    },
  };
  bindings.set(service, { client: config.client, table: config.table });
  return service;
}

export type OrdersService = ReturnType<typeof ordersService>;

/**
 * The client and table of a service, for the writes the adapters build
 * without ElectroDB's builder (see `adapters/table-writes.ts`).
 */
export function bindingOf(service: OrdersService): TableBinding {
  const binding = bindings.get(service);
  if (!binding) throw new Error("This service was not built by ordersService()");
  return binding;
}
