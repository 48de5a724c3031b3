import { randomUUID } from "node:crypto";
import { startLocalSystem } from "../packages/local/src/runtime.ts";
import type { CallCounts } from "../packages/local/src/sdk-instrumentation.ts";
import type { LocalTelemetry } from "../packages/local/src/telemetry.ts";

export type { CallCounts };

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
    // The sweeper's own calls would land in whichever order's count is running.
    manifest: { schedules: [] },
    log: () => undefined,
  });
  // The runtime counts every call the handlers' SDK clients make, in whichever
  // worker they run, and adds up each invocation's count as it finishes.
  const counts = system.calls;
  // Every status a processed submission can end in counts (valid originals now end CONFIRMED or FAILED).
  const processed = () =>
    ["OrdersAccepted", "OrdersRejected", "OrdersDuplicate", "OrdersConfirmed", "OrdersFailed"].reduce(
      (sum, name) => sum + (telemetry.counters[name] ?? 0),
      0,
    );
  const measure = async (order: object): Promise<CallCounts> => {
    for (const key of Object.keys(counts)) delete counts[key];
    const target = processed() + 1;
    await fetch(`${system.url}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(order),
    });
    while (processed() < target) await new Promise((resolve) => setTimeout(resolve, 10));
    await system.idle();
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
