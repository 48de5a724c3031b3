import type { TableAccess } from "@orders/core/adapters/table-access";
import type { OrdersService, ordersService } from "@orders/core/entities/service";
import { tableBinding } from "./document-client.ts";
import { once } from "./once.ts";

let built: OrdersService | undefined;

/**
 * Every entity of the one table, built once per process, by whichever asks
 * first: table.ts at its first adapter, or `lazyTable` at its first rare path.
 * `make` is `ordersService`, passed in so that this module does not import it.
 */
export function sharedService(make: typeof ordersService): OrdersService {
  built ??= make(tableBinding());
  return built;
}

/**
 * The one table for the adapters that send plain commands on their hot path
 * (`TableAccess`): ElectroDB is imported, and its entities built, the first
 * time a rarer path needs them. A dynamic import, so that esbuild bundles
 * `entities/service.ts` and ElectroDB as a lazy module: the init of the
 * handlers that import only this module (the processor) does
 * not evaluate them (bench/cold-start.ts). The adapters over it live in a
 * module of their own (order-ledgers.ts), so that a handler bundles only
 * those it uses; those that never need the entities (webhooks.ts,
 * failure-log.ts) are built on the binding alone, and bundle no ElectroDB.
 */
export const lazyTable = once(
  (): TableAccess => ({
    binding: tableBinding(),
    entities: retriedOnFailure(() =>
      import("@orders/core/entities/service").then(({ ordersService }) => sharedService(ordersService).entities),
    ),
  }),
);

/**
 * Loads once and keeps what loaded, but not a failure: a load that throws is
 * tried again by the next caller, so that one bad moment does not fail every
 * rare path of a warm instance until it is recycled. Callers at the same
 * time share one load.
 */
export function retriedOnFailure<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
