import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningSystem, startSystem } from "../helpers/local-system.ts";
import {
  type Accepted,
  ADMIN_TOKEN,
  type Figures,
  localState,
  redriveAll,
  sendRaw,
  setFaults,
  settle,
  submit,
  validOrders,
  verify,
} from "./harness.ts";

const start = (args: string[] = ["--in-memory"], env: Record<string, string> = {}) =>
  startSystem(args, {
    ORDERS_ADMIN_TOKEN: ADMIN_TOKEN,
    ORDERS_FAULT_SEED: "42",
    POWERTOOLS_LOG_LEVEL: "ERROR",
    ...env,
  });

/** Drain, then (faults off) redrive whatever reached the DLQ, drain again, and check every order. */
async function finish(
  name: string,
  system: RunningSystem,
  submitted: number,
  accepted: Accepted[],
  started: number,
  extra: Partial<Figures> = {},
): Promise<Figures> {
  const inDlq = await settle(system);
  const { stats } = await setFaults(system, []);
  const redriven = await redriveAll(system);
  await settle(system);
  const { recorded, lost, doubled } = await verify(system, accepted);
  return {
    scenario: name,
    submitted,
    accepted: accepted.length,
    recorded,
    inDlq,
    redriven,
    lost,
    doubled,
    duplicateDeliveries: Object.values(stats.duplicated).reduce((a, b) => a + b, 0),
    seconds: Math.round((Date.now() - started) / 100) / 10,
    ...extra,
  };
}

/** 20% random DynamoDB and S3 errors, and 5% of sends delivered twice. */
export async function randomErrors(orders: number): Promise<Figures> {
  const started = Date.now();
  const system = await start(["--in-memory"], {
    ORDERS_FAULTS: "DynamoDB:*@rate=0.2,S3:*@rate=0.2,SQS:SendMessage@duplicate=0.05",
  });
  try {
    const list = validOrders(orders);
    const accepted = await submit(system, list);
    return await finish("20% DynamoDB+S3 errors, 5% duplicate sends", system, list.length, accepted, started);
  } finally {
    await system.stop();
  }
}

/** S3 down for the middle third of the stream; the DLQ fills; redrive after recovery. */
export async function s3Outage(orders: number): Promise<Figures> {
  const started = Date.now();
  const system = await start();
  try {
    const list = validOrders(orders);
    const third = Math.ceil(list.length / 3);
    const accepted = await submit(system, list.slice(0, third));
    await setFaults(system, ["S3:*"]);
    accepted.push(...(await submit(system, list.slice(third, 2 * third))));
    await settle(system);
    await setFaults(system, []);
    accepted.push(...(await submit(system, list.slice(2 * third))));
    return await finish("S3 outage mid-stream, then redrive", system, list.length, accepted, started);
  } finally {
    await system.stop();
  }
}

/** The runtime SIGKILLed mid-stream, then restarted on the same data directory. */
export async function killAndRestart(orders: number): Promise<Figures> {
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), "orders-kill-"));
  const env = { ORDERS_VISIBILITY_TIMEOUT: "3" };
  try {
    const list = validOrders(orders);
    let system = await start(["--data-dir", dataDir], env);
    const accepted = await submit(system, list);
    // Kill it while batches are in flight: some processed, some not.
    const target = Math.max(1, Math.floor(list.length * 0.3));
    const processed = async () => {
      const { counters } = await localState(system);
      return (counters.OrdersAccepted ?? 0) + (counters.OrdersRejected ?? 0) + (counters.OrdersDuplicate ?? 0);
    };
    while ((await processed()) < target) await new Promise((resolve) => setTimeout(resolve, 20));
    await system.stop("SIGKILL");
    system = await start(["--data-dir", dataDir], env);
    try {
      return await finish("SIGKILL mid-batch, restart on the same data", system, list.length, accepted, started);
    } finally {
      await system.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** 50 concurrent POSTs of each id: exactly one original per id. */
export async function concurrentSameId(orders: number): Promise<Figures> {
  const started = Date.now();
  const system = await start();
  try {
    const ids = validOrders(Math.max(1, Math.round(orders / 50)));
    const list = ids.flatMap((order) => Array.from({ length: 50 }, () => ({ ...order })));
    const accepted = await submit(system, list, 50);
    const figures = await finish("50 concurrent POSTs per id", system, list.length, accepted, started);
    // Exactly one original per id: every other submission is its duplicate.
    let originals = 0;
    for (const order of ids) {
      const body = (await (await fetch(`${system.url}/orders/${order.id}`)).json()) as {
        order: { isDuplicate: boolean };
        duplicates: unknown[];
      };
      if (!body.order.isDuplicate && body.duplicates.length === 49) originals += 1;
    }
    return { ...figures, doubled: figures.doubled + (ids.length - originals) };
  } finally {
    await system.stop();
  }
}

/** Poison straight on the queue (not JSON, no id, 250 KB body) among good orders. */
export async function poison(orders: number): Promise<Figures> {
  const started = Date.now();
  const system = await start();
  try {
    // At most 300, so that one DLQ listing (500) sees them all; 250 KB bodies are capped at 20.
    const poisonCount = Math.min(300, Math.max(3, Math.round(orders / 10)));
    const big = (i: number) => `{"pad":"${"x".repeat(250 * 1024)}","n":${i}}`;
    const bodies = Array.from({ length: poisonCount }, (_, i) =>
      i % 3 === 0
        ? `not json ${i}`
        : i % 3 === 1 || i >= 60
          ? JSON.stringify({ submissionId: `not-a-uuid-${i}`, order: { amount: 1 } })
          : big(i),
    );
    const list = validOrders(orders - poisonCount);
    await sendRaw(system, bodies);
    const accepted = await submit(system, list);
    const inDlq = await settle(system);
    // The poison is in the DLQ with its reason; the good orders are recorded. Nothing to redrive.
    const page = (await (
      await fetch(`${system.url}/admin/dlq?reason=POISON_MESSAGE&limit=100`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json()) as { reasons: Record<string, number> };
    const { recorded, lost, doubled } = await verify(system, accepted);
    const unexplained = inDlq - (page.reasons.POISON_MESSAGE ?? 0);
    return {
      scenario: "poison messages among good ones",
      submitted: list.length + poisonCount,
      accepted: accepted.length,
      recorded,
      inDlq,
      redriven: 0,
      lost: lost + Math.max(0, poisonCount - inDlq) + Math.abs(unexplained),
      doubled,
      duplicateDeliveries: 0,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    await system.stop();
  }
}

export const scenarios = { randomErrors, s3Outage, killAndRestart, concurrentSameId, poison };
