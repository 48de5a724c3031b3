import { subscribe } from "node:diagnostics_channel";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isMainThread } from "node:worker_threads";
import { SDK_CLIENT_CREATED } from "@orders/functions/composition/client-hooks";
import type { FaultSwitch } from "./faults.ts";
import { repoRoot } from "./handlers.ts";
import { addInitializeMiddleware, type MiddlewareHost } from "./sdk-middleware.ts";
import { handlerTracing, type SpanRecorder, traceSdkClient } from "./span-recorder.ts";

/** AWS calls made, by `Service:Operation`. */
export type CallCounts = Record<string, number>;

/** Counts every command a client sends, by `Service:Operation`. */
function countCalls(service: string, client: MiddlewareHost, counts: CallCounts): void {
  addInitializeMiddleware(client, "ordersCallCounter", (operation, next, args) => {
    const key = `${service}:${operation}`;
    counts[key] = (counts[key] ?? 0) + 1;
    return next(args);
  });
}

/**
 * Adds the fault switch, a call counter and, given a recorder, the trace
 * recorder, as SDK middleware, to each SDK client the handlers of this thread
 * build, as the composition builds it (`composition/client-hooks.ts`): only
 * the clients a function uses are ever loaded, as in its bundle on Lambda.
 * Handler code has no branch for any. Call it before loading the handlers.
 */
export async function instrumentSdkClients(
  faults: FaultSwitch,
  counts: CallCounts,
  recorder?: SpanRecorder,
): Promise<void> {
  const tracing = recorder ? await handlerTracing() : undefined;
  const instrument = (client: SdkClient) => {
    // The SDK's own name of the service: "DynamoDB", "S3", "SQS" or "SNS" for the composition's clients.
    const service = client.config.serviceId as Parameters<FaultSwitch["attach"]>[0];
    // Traced and counted first, so that a call the switch fails still shows, and counts as made.
    if (recorder && tracing) traceSdkClient(service, client, recorder, tracing);
    countCalls(service, client, counts);
    faults.attach(service, client);
  };
  subscribe(SDK_CLIENT_CREATED, (message) => instrument((message as { client: SdkClient }).client));
  if (isMainThread) {
    // Every handler in the runtime's own thread (ORDERS_ISOLATION=none): the clients may have been built before
    // this call, by the host. Each middleware is named, so one added twice replaces itself.
    const { sdkClients } = (await import(
      pathToFileURL(join(repoRoot, "packages/functions/src/composition/sdk-clients.ts")).href
    )) as typeof import("@orders/functions/composition/sdk-clients");
    for (const client of Object.values(sdkClients())) instrument(client as unknown as SdkClient);
  }
}

type SdkClient = MiddlewareHost & { config: { serviceId: string } };
