import { bindingOf, type OrdersService, type TableBinding } from "../entities/service.ts";

/** Every entity of the one table (`ordersService(...).entities`). */
export type OrdersEntities = OrdersService["entities"];

/**
 * The one table, for an adapter that sends plain DocumentClient commands on
 * its hot path and goes through ElectroDB's entities only on rarer ones.
 *
 * Why: importing ElectroDB and building the entities is most of what a
 * handler's init costs beyond its SDK clients (bench/cold-start.ts). A
 * composition root that hands `entities` a dynamic import of
 * `entities/service.ts` leaves ElectroDB unloaded until a rare path needs it;
 * the adapters import this interface as a type only, so that they do not load
 * it either.
 */
export interface TableAccess {
  readonly binding: TableBinding;
  /** The entities, built on first use. */
  entities(): Promise<OrdersEntities>;
}

/** A `TableAccess` over a service already built (the tests, the local runtime's seeding). */
export function tableAccess(service: OrdersService): TableAccess {
  const binding = bindingOf(service);
  return { binding, entities: () => Promise.resolve(service.entities) };
}
