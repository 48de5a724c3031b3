import { type EntityConfiguration, Service } from "electrodb";
import { orderEntity } from "./order.ts";
import { orderDuplicateEntity } from "./order-duplicate.ts";

/** Every entity of the one table, bound to a client and a table name. */
export function ordersService(config: Required<Pick<EntityConfiguration, "client" | "table">>) {
  return new Service({
    order: orderEntity(config),
    orderDuplicate: orderDuplicateEntity(config),
  });
}

export type OrdersService = ReturnType<typeof ordersService>;
