import { type EntityConfiguration, Service } from "electrodb";
import { accountEntity } from "./account.ts";
import { auditEntryEntity } from "./audit-entry.ts";
import { failureEntity } from "./failure.ts";
import { orderEntity } from "./order.ts";
import { orderDuplicateEntity } from "./order-duplicate.ts";
import { stockEntity } from "./stock.ts";

/** Every entity of the one table, bound to a client and a table name. */
export function ordersService(config: Required<Pick<EntityConfiguration, "client" | "table">>) {
  return new Service({
    order: orderEntity(config),
    orderDuplicate: orderDuplicateEntity(config),
    failure: failureEntity(config),
    auditEntry: auditEntryEntity(config),
    stock: stockEntity(config),
    account: accountEntity(config),
  });
}

export type OrdersService = ReturnType<typeof ordersService>;
