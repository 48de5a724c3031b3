import { channel } from "node:diagnostics_channel";

/**
 * Where a host hears of each SDK client the composition builds, as
 * `{ client }`, before the client's first call: the local runtime adds its
 * fault switch, call counter and span recorder to the clients a function
 * actually builds (packages/local/src/sdk-instrumentation.ts), so that a
 * function's worker loads no SDK client, and no ElectroDB, that its handler
 * does not import. Nothing subscribes on Lambda: publishing is then skipped.
 */
export const SDK_CLIENT_CREATED = "orders:sdk:client";

const created = channel(SDK_CLIENT_CREATED);

/** The client, announced to a host that listens. */
export function announced<T extends object>(client: T): T {
  if (created.hasSubscribers) created.publish({ client });
  return client;
}
