import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { accountEntity } from "./account.ts";
import { accountEntryEntity } from "./account-entry.ts";
import { auditEntryEntity } from "./audit-entry.ts";
import { duplicateMarkerEntity } from "./duplicate-marker.ts";
import { failureEntity } from "./failure.ts";
import { notificationEntity } from "./notification.ts";
import { orderEntity } from "./order.ts";
import { orderDuplicateEntity } from "./order-duplicate.ts";
import { stockEntity } from "./stock.ts";
import { stockReservationEntity } from "./stock-reservation.ts";
import { webhookEntity } from "./webhook.ts";
import { webhookCircuitEntity } from "./webhook-circuit.ts";

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
      order: orderEntity(config),
      orderDuplicate: orderDuplicateEntity(config),
      duplicateMarker: duplicateMarkerEntity(config),
      failure: failureEntity(config),
      auditEntry: auditEntryEntity(config),
      stock: stockEntity(config),
      account: accountEntity(config),
      accountEntry: accountEntryEntity(config),
      stockReservation: stockReservationEntity(config),
      notification: notificationEntity(config),
      webhook: webhookEntity(config),
      webhookCircuit: webhookCircuitEntity(config),
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
