import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Service } from "electrodb";
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
 * Every entity of the one table, bound to a client and a table name, and the
 * table's one collection, an order's history (its original, duplicates and
 * notifications in one partition).
 */
export function ordersService(config: TableBinding) {
  const entities = {
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
  };
  let history: ReturnType<typeof historyService> | undefined;
  const service = {
    entities,
    /**
     * Joined on first use: ElectroDB's Service checks each entity it joins
     * against its JSON Schema again, 10 to 20 ms of a cold start that
     * OrdersProcessor's orders never need (of its work, only a cancellation
     * reads a history).
     */
    get collections() {
      history ??= historyService(entities);
      return history.collections;
    },
  };
  bindings.set(service, { client: config.client, table: config.table });
  return service;
}

/** The entities of the `orderHistory` collection, as one ElectroDB Service. */
function historyService(entities: Pick<Entities, "order" | "orderDuplicate" | "notification">) {
  return new Service({
    order: entities.order,
    orderDuplicate: entities.orderDuplicate,
    notification: entities.notification,
  });
}

type Entities = {
  order: ReturnType<typeof orderEntity>;
  orderDuplicate: ReturnType<typeof orderDuplicateEntity>;
  notification: ReturnType<typeof notificationEntity>;
};

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
