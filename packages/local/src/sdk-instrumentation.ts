import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { FaultSwitch } from "./faults.ts";
import { repoRoot } from "./handlers.ts";
import { handlerTracing, type SpanRecorder, traceSdkClient } from "./span-recorder.ts";

/** AWS calls made, by `Service:Operation`. */
export type CallCounts = Record<string, number>;

interface MiddlewareHost {
  middlewareStack: { add(...args: never[]): void };
}

type Next = (args: unknown) => Promise<unknown>;

/** Counts every command a client sends, by `Service:Operation`. */
function countCalls(service: string, client: MiddlewareHost, counts: CallCounts): void {
  const stack = client.middlewareStack as unknown as {
    add(
      middleware: (next: Next, context: { commandName?: string }) => Next,
      options: { step: "initialize"; name: string; override: boolean },
    ): void;
  };
  stack.add(
    (next, context) => async (args) => {
      const key = `${service}:${String(context.commandName).replace(/Command$/, "")}`;
      counts[key] = (counts[key] ?? 0) + 1;
      return next(args);
    },
    { step: "initialize", name: "ordersCallCounter", override: true },
  );
}

/**
 * Adds the fault switch, a call counter and, given a recorder, the trace
 * recorder, as SDK middleware, to the clients the handlers of this thread
 * share (`composition/sdk-clients.ts`). Handler code has no branch for any.
 */
export async function instrumentSdkClients(
  faults: FaultSwitch,
  counts: CallCounts,
  recorder?: SpanRecorder,
): Promise<void> {
  const tracing = recorder ? await handlerTracing() : undefined;
  const { sdkClients } = (await import(
    pathToFileURL(join(repoRoot, "packages/functions/src/composition/sdk-clients.ts")).href
  )) as typeof import("@orders/functions/composition/sdk-clients");
  const shared = sdkClients();
  for (const [service, client] of [
    ["DynamoDB", shared.dynamo],
    ["S3", shared.s3],
    ["SQS", shared.sqs],
    ["SNS", shared.sns],
  ] as const) {
    // Traced and counted first, so that a call the switch fails still shows, and counts as made.
    if (recorder && tracing) traceSdkClient(service, client, recorder, tracing);
    countCalls(service, client, counts);
    faults.attach(service, client);
  }
}
