import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "../packages/local/src/handlers.ts";
import { startLocalSystem } from "../packages/local/src/runtime.ts";
import type { LocalTelemetry } from "../packages/local/src/telemetry.ts";

export type CallCounts = Record<string, number>;

interface Counted {
  middlewareStack: { add(...args: never[]): void };
}

/** Counts every command a client sends, by `Service:Operation`. */
function countCalls(service: string, client: Counted, counts: CallCounts): void {
  const stack = client.middlewareStack as unknown as {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: "initialize"; name: string },
    ): void;
  };
  stack.add(
    (next, context) => async (args) => {
      const key = `${service}:${String(context.commandName).replace(/Command$/, "")}`;
      counts[key] = (counts[key] ?? 0) + 1;
      return next(args);
    },
    { step: "initialize", name: "benchCallCounter" },
  );
}

export interface CallsByOutcome {
  validOriginal: CallCounts;
  invalid: CallCounts;
  duplicate: CallCounts;
}

/**
 * The AWS calls our handlers make for one order of each outcome, counted by
 * SDK middleware on the handlers' own clients. The event source mapping's
 * receive and delete are Lambda's, not ours: they are priced separately.
 */
export async function callsPerOrder(telemetry: LocalTelemetry): Promise<CallsByOutcome> {
  const system = await startLocalSystem({
    stage: `calls-${randomUUID().slice(0, 6)}`,
    host: "127.0.0.1",
    port: 0,
    sqsS3Port: 0,
    dynamoPort: 0,
    pollers: 1,
    adminToken: randomUUID(),
    faults: [],
    telemetry,
    log: () => undefined,
  });
  const counts: CallCounts = {};
  const { sdkClients } = (await import(
    pathToFileURL(join(repoRoot, "packages/functions/src/composition/sdk-clients.ts")).href
  )) as typeof import("@orders/functions/composition/sdk-clients");
  const clients = sdkClients();
  countCalls("DynamoDB", clients.dynamo, counts);
  countCalls("S3", clients.s3, counts);
  countCalls("SQS", clients.sqs, counts);

  const processed = () =>
    (telemetry.counters.OrdersAccepted ?? 0) +
    (telemetry.counters.OrdersRejected ?? 0) +
    (telemetry.counters.OrdersDuplicate ?? 0);
  const measure = async (order: object): Promise<CallCounts> => {
    for (const key of Object.keys(counts)) delete counts[key];
    const target = processed() + 1;
    await fetch(`${system.url}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(order),
    });
    while (processed() < target) await new Promise((resolve) => setTimeout(resolve, 10));
    return { ...counts };
  };
  try {
    const id = `calls-${randomUUID().slice(0, 8)}`;
    const valid = { id, amount: 10, fromAccount: "1111111", toAccount: "7777777" };
    return {
      validOriginal: await measure(valid),
      invalid: await measure({ ...valid, id: `${id}-bad`, amount: -5 }),
      duplicate: await measure(valid),
    };
  } finally {
    await system.stop();
  }
}
