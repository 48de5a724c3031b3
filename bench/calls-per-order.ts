import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startInProcess } from "@orders/harness/in-process-system";
import { subscriptions } from "../infra/manifest.ts";
import { repoRoot } from "../packages/local/src/handlers.ts";
import { FLOOD_RATE_LIMIT } from "../packages/local/src/rate-limit.ts";
import type { CallCounts } from "../packages/local/src/sdk-instrumentation.ts";
import type { LocalTelemetry } from "../packages/local/src/telemetry.ts";
import { processedCount, sagaFixture, sagaOrder, setUpSagaFixture } from "./end-to-end.ts";

export type { CallCounts };

/** The lines of the confirmed orders whose calls are counted. */
export const LINE_COUNTS = [0, 1, 3] as const;

export interface ConfirmedCalls {
  lines: number;
  status: string;
  calls: CallCounts;
  /** DynamoDB writes (PutItem, UpdateItem, DeleteItem) and reads (GetItem, BatchGetItem, Query). */
  writes: number;
  reads: number;
  /** The goal: 2k + 5 writes on the happy path. */
  writeGoal: number;
  /** The DynamoDB calls in the order they were made, e.g. `PutItem, BatchGetItem, UpdateItem, …`. */
  sequence: string[];
  /** True when no DynamoDB read came before the order's first write. */
  writeFirst: boolean;
}

export interface CallsByOutcome {
  /** A confirmed order of k lines, for each k of `LINE_COUNTS`. */
  confirmed: ConfirmedCalls[];
  /** The confirmed order of `LINE_COUNTS`' middle k, as the cost figures price it. */
  validOriginal: CallCounts;
  invalid: CallCounts;
  duplicate: CallCounts;
}

const WRITES = new Set(["PutItem", "UpdateItem", "DeleteItem"]);
const READS = new Set(["GetItem", "BatchGetItem", "Query", "Scan"]);

interface MiddlewareHost {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: "initialize"; name: string; override: boolean },
    ): void;
  };
}

/**
 * The AWS calls our handlers make for one order of each outcome, counted by
 * the runtime's SDK middleware on the handlers' own clients; for a confirmed
 * order of k lines (k in `LINE_COUNTS`) also the order of its DynamoDB calls,
 * to check that nothing is read before the first write. The event source
 * mapping's receive and delete are Lambda's, not ours: they are priced
 * separately.
 *
 * The handlers run in this process (`isolation: "none"`), so that one more
 * middleware on their shared clients can see the order of the calls; the
 * handlers' code and their calls are the same as in a worker.
 */
export async function callsPerOrder(telemetry: LocalTelemetry): Promise<CallsByOutcome> {
  const adminToken = randomUUID();
  const system = await startInProcess("calls", {
    pollers: 1,
    adminToken,
    telemetry,
    isolation: "none",
    // The sweeper's own calls would land in whichever order's count is running, and
    // the Notifier's too (it runs after the order, on its own queue): both are priced apart.
    manifest: { schedules: [], subscriptions: subscriptions.filter((spec) => spec.name === "OrdersProcessor") },
    // Its fixture's set-up calls come as fast as they can: API Gateway's throttles are not what is counted.
    rateLimit: FLOOD_RATE_LIMIT,
    log: () => undefined,
  });
  const counts = system.calls;
  const sequence: string[] = [];
  const { sdkClients } = (await import(
    pathToFileURL(join(repoRoot, "packages/functions/src/composition/sdk-clients.ts")).href
  )) as typeof import("@orders/functions/composition/sdk-clients");
  (sdkClients().dynamo as unknown as MiddlewareHost).middlewareStack.add(
    (next, context) => async (args) => {
      sequence.push(String(context.commandName).replace(/Command$/, ""));
      return next(args);
    },
    { step: "initialize", name: "benchCallSequence", override: true },
  );

  const measure = async (order: object): Promise<{ calls: CallCounts; sequence: string[] }> => {
    for (const key of Object.keys(counts)) delete counts[key];
    sequence.length = 0;
    const target = processedCount(telemetry.counters) + 1;
    await fetch(`${system.url}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
      body: JSON.stringify(order),
    });
    while (processedCount(telemetry.counters) < target) await new Promise((resolve) => setTimeout(resolve, 10));
    await system.idle();
    return { calls: { ...counts }, sequence: [...sequence] };
  };
  try {
    const tag = randomUUID().slice(0, 6);
    const fixture = sagaFixture(400, tag);
    await setUpSagaFixture(system.url, adminToken, fixture);
    const confirmed: ConfirmedCalls[] = [];
    for (const [i, lines] of LINE_COUNTS.entries()) {
      const id = `calls-${tag}-k${lines}`;
      const measured = await measure(sagaOrder(fixture, id, i, lines));
      const read = await fetch(`${system.url}/orders/${id}`, { headers: { authorization: `Bearer ${adminToken}` } });
      const status = (await read.json()) as { order: { status: string } };
      const dynamo = measured.sequence;
      const firstWrite = dynamo.findIndex((name) => WRITES.has(name));
      const firstRead = dynamo.findIndex((name) => READS.has(name));
      confirmed.push({
        lines,
        status: status.order.status,
        calls: measured.calls,
        writes: dynamo.filter((name) => WRITES.has(name)).length,
        reads: dynamo.filter((name) => READS.has(name)).length,
        writeGoal: 2 * lines + 5,
        sequence: dynamo,
        writeFirst: firstWrite >= 0 && (firstRead === -1 || firstWrite < firstRead),
      });
    }
    const valid = sagaOrder(fixture, `calls-${tag}-dup`, 7, 1);
    const invalid = (await measure({ ...valid, id: `calls-${tag}-bad`, amount: -5 })).calls;
    await measure(valid); // the original, so that the next one is its duplicate
    const duplicate = (await measure(valid)).calls;
    return { confirmed, validOriginal: (confirmed[1] ?? confirmed[0])?.calls ?? {}, invalid, duplicate };
  } finally {
    await system.stop();
  }
}
