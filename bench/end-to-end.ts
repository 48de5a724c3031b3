import { randomUUID } from "node:crypto";
import { startLocalSystem } from "../packages/local/src/runtime.ts";
import type { LocalTelemetry } from "../packages/local/src/telemetry.ts";
import { percentile, pool, progress, round } from "./stats.ts";

export interface LoadMix {
  /** 80% valid, 10% invalid, 10% duplicates of earlier valid ones. */
  orders: number;
}

interface Sent {
  id: string;
  submissionId: string;
  sentAt: number;
  /** How long the POST took to answer 202. */
  acceptMs: number;
}

/** The orders of one run, in send order: valid, invalid, and re-sends of earlier valid ids. */
export function orderMix(count: number, prefix: string): Record<string, unknown>[] {
  const orders: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 10;
    const valid = { id: `${prefix}-${i}`, amount: 10 + (i % 500), fromAccount: "1111111", toAccount: "7777777" };
    if (kind === 8) orders.push({ ...valid, amount: -5 });
    else if (kind === 9 && i >= 10) orders.push({ ...(orders[i - 9] as object) });
    else orders.push(valid);
  }
  return orders;
}

const processedCount = (counters: Record<string, number>) =>
  (counters.OrdersAccepted ?? 0) + (counters.OrdersRejected ?? 0) + (counters.OrdersDuplicate ?? 0);

async function post(url: string, order: Record<string, unknown>): Promise<Sent> {
  const sentAt = Date.now();
  const response = await fetch(`${url}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(order),
  });
  if (response.status !== 202) throw new Error(`POST answered ${response.status}`);
  const { submissionId } = (await response.json()) as { submissionId: string };
  return { id: String(order.id), submissionId, sentAt, acceptMs: Date.now() - sentAt };
}

async function waitProcessed(telemetry: LocalTelemetry, target: number, label: string): Promise<number> {
  const show = progress(label);
  while (processedCount(telemetry.counters) < target) {
    show(processedCount(telemetry.counters), target);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  show(target, target);
  return Date.now();
}

/** POST to record visible, from the record's own processedAt. */
async function latencies(url: string, sent: Sent[]): Promise<number[]> {
  const bySubmission = new Map(sent.map((s) => [s.submissionId, s.sentAt]));
  const ids = [...new Set(sent.map((s) => s.id))];
  const samples: number[] = [];
  await pool(ids, 16, async (id) => {
    const body = (await (await fetch(`${url}/orders/${id}`)).json()) as {
      order: { submissionId: string; processedAt: string };
    };
    const sentAt = bySubmission.get(body.order.submissionId);
    if (sentAt !== undefined) samples.push(Date.parse(body.order.processedAt) - sentAt);
  });
  return samples;
}

export interface EndToEndResult {
  orders: number;
  concurrency: number;
  acceptedPerSecond: number;
  processedPerSecond: number;
  flatOut: { p50: number; p95: number; p99: number };
  fixedLoad: { ratePerSecond: number; orders: number; p50: number; p95: number; p99: number; acceptP50: number };
}

/** The whole local system under load, in this process, as `npm start` runs it. */
export async function endToEnd(
  options: { orders: number; concurrency: number; fixedRate: number; fixedSeconds: number; ports: number[] },
  telemetry: LocalTelemetry,
): Promise<EndToEndResult> {
  const [port = 0, sqsS3Port = 0, dynamoPort = 0] = options.ports;
  const system = await startLocalSystem({
    stage: `bench-${randomUUID().slice(0, 6)}`,
    host: "127.0.0.1",
    port,
    sqsS3Port,
    dynamoPort,
    pollers: 2,
    adminToken: randomUUID(),
    faults: [],
    telemetry,
    log: () => undefined,
  });
  try {
    // Flat out: every order as fast as the concurrency allows.
    const orders = orderMix(options.orders, `bench-${Date.now().toString(36)}`);
    const base = processedCount(telemetry.counters);
    const sent: Sent[] = [];
    const show = progress("end to end: submitting");
    const started = Date.now();
    await pool(orders, options.concurrency, async (order) => {
      sent.push(await post(system.url, order));
      show(sent.length, orders.length);
    });
    const acceptedAt = Date.now();
    const doneAt = await waitProcessed(telemetry, base + orders.length, "end to end: processing");
    const flat = await latencies(system.url, sent);

    // Fixed offered load: one order every 1000/rate ms, not waiting for answers.
    // (fixedSeconds 0: a repeat run that measures throughput only.)
    const fixedOrders = orderMix(options.fixedRate * options.fixedSeconds, `fixed-${Date.now().toString(36)}`);
    const fixedBase = processedCount(telemetry.counters);
    const fixedSent: Promise<Sent>[] = [];
    const gap = 1000 / options.fixedRate;
    const fixedStart = performance.now();
    const showFixed = progress(`fixed load ${options.fixedRate}/s`);
    for (const [i, order] of fixedOrders.entries()) {
      const due = fixedStart + i * gap;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      fixedSent.push(post(system.url, order));
      showFixed(i + 1, fixedOrders.length);
    }
    const fixedResults = await Promise.all(fixedSent);
    await waitProcessed(telemetry, fixedBase + fixedOrders.length, "fixed load: processing");
    const fixed = await latencies(system.url, fixedResults);

    return {
      orders: orders.length,
      concurrency: options.concurrency,
      acceptedPerSecond: round(orders.length / ((acceptedAt - started) / 1000)),
      processedPerSecond: round(orders.length / ((doneAt - started) / 1000)),
      flatOut: { p50: percentile(flat, 50), p95: percentile(flat, 95), p99: percentile(flat, 99) },
      fixedLoad: {
        ratePerSecond: options.fixedRate,
        orders: fixedOrders.length,
        p50: percentile(fixed, 50),
        p95: percentile(fixed, 95),
        p99: percentile(fixed, 99),
        acceptP50: percentile(
          fixedResults.map((r) => r.acceptMs),
          50,
        ),
      },
    };
  } finally {
    await system.stop();
  }
}
