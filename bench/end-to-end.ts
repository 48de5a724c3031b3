import { randomUUID } from "node:crypto";
import { startInProcess } from "@orders/harness/in-process-system";
import { percentile, pool, progress, round } from "@orders/harness/stats";
import { FLOOD_RATE_LIMIT } from "../packages/local/src/rate-limit.ts";
import type { LocalTelemetry } from "../packages/local/src/telemetry.ts";

/** Lines per valid order in the throughput runs: each confirmed order makes 2k + 5 writes. */
export const LINES = 2;

/**
 * The skus and accounts a load run spreads its orders over. Enough of each
 * that no item collects more than a few hundred orders' markers (an account
 * item grows by about 120 bytes an order), and stocked and funded so that
 * every valid original confirms: the happy path is what is measured.
 */
export interface SagaFixture {
  skus: string[];
  accounts: string[];
  onHand: number;
  depositCents: number;
}

export function sagaFixture(orders: number, tag: string): SagaFixture {
  const size = Math.max(4, Math.ceil(orders / 100));
  return {
    skus: Array.from({ length: size }, (_, i) => `B${tag}-${i}`),
    accounts: Array.from({ length: size }, (_, i) => `5${String(i).padStart(9, "0")}`),
    onHand: 100_000,
    depositCents: 10_000_000,
  };
}

/** A valid original of `lines` lines over the fixture, its amount Σ quantity × unitPrice. */
export function sagaOrder(fixture: SagaFixture, id: string, i: number, lines: number): Record<string, unknown> {
  const { skus, accounts } = fixture;
  const items = Array.from({ length: lines }, (_, line) => ({
    sku: skus[(i * lines + line) % skus.length] as string,
    quantity: 1 + (line % 2),
    unitPrice: 1.25,
  }));
  const cents = items.reduce((sum, item) => sum + item.quantity * 125, 0) || 1000 + (i % 500);
  return {
    id,
    amount: cents / 100,
    fromAccount: accounts[i % accounts.length],
    toAccount: accounts[(i + 1 + (i % 3)) % accounts.length],
    ...(lines > 0 ? { items } : {}),
  };
}

/**
 * The orders of one run, in send order: 80% valid originals, 10% invalid,
 * 10% re-sends of earlier valid ids. With a fixture, the valid ones carry
 * `LINES` lines over its skus and accounts (they confirm); without one, they
 * are itemless transfers between 1111111 and 7777777, accounts a bare system
 * does not have (they fail UNKNOWN_ACCOUNT after the accounts check), as
 * `bench/isolation.ts` sends them.
 */
export function orderMix(count: number, prefix: string, fixture?: SagaFixture): Record<string, unknown>[] {
  const orders: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 10;
    const id = `${prefix}-${i}`;
    const valid = fixture
      ? sagaOrder(fixture, id, i, LINES)
      : { id, amount: 10 + (i % 500), fromAccount: "1111111", toAccount: "7777777" };
    if (kind === 8) orders.push({ ...valid, amount: -5 });
    else if (kind === 9 && i >= 10) orders.push({ ...(orders[i - 9] as object) });
    else orders.push(valid);
  }
  return orders;
}

/** Stocks the skus and opens and funds the accounts through the admin routes, before anything is timed. */
export async function setUpSagaFixture(url: string, adminToken: string, fixture: SagaFixture): Promise<void> {
  const call = async (method: string, path: string, body?: object) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (response.status > 201)
      throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  };
  await pool(fixture.skus, 4, (sku) => call("PUT", `/inventory/${sku}`, { onHand: fixture.onHand }));
  await pool(fixture.accounts, 4, async (accountId) => {
    await call("PUT", `/accounts/${accountId}`);
    await call("POST", `/accounts/${accountId}/deposits`, {
      amount: fixture.depositCents / 100,
      reference: `bench-${accountId}`,
    });
  });
}

interface Sent {
  id: string;
  submissionId: string;
  sentAt: number;
  /** How long the POST took to answer 202. */
  acceptMs: number;
}

/** Every outcome a processed submission can end in: valid originals end CONFIRMED (or FAILED). */
export const processedCount = (counters: Record<string, number>) =>
  ["OrdersAccepted", "OrdersConfirmed", "OrdersFailed", "OrdersRejected", "OrdersDuplicate"].reduce(
    (sum, name) => sum + (counters[name] ?? 0),
    0,
  );

async function post(url: string, token: string, order: Record<string, unknown>): Promise<Sent> {
  const sentAt = Date.now();
  const response = await fetch(`${url}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
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
async function latencies(url: string, token: string, sent: Sent[]): Promise<number[]> {
  const bySubmission = new Map(sent.map((s) => [s.submissionId, s.sentAt]));
  const ids = [...new Set(sent.map((s) => s.id))];
  const samples: number[] = [];
  await pool(ids, 16, async (id) => {
    const body = (await (
      await fetch(`${url}/orders/${id}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as {
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
  /** Valid originals of the flat-out run that ended CONFIRMED, and how many there were. */
  confirmed: number;
  validOriginals: number;
  flatOut: { p50: number; p95: number; p99: number };
  fixedLoad: { ratePerSecond: number; orders: number; p50: number; p95: number; p99: number; acceptP50: number };
}

/** The whole local system under load, in this process, as `npm start` runs it. */
export async function endToEnd(
  options: { orders: number; concurrency: number; fixedRate: number; fixedSeconds: number; ports: number[] },
  telemetry: LocalTelemetry,
): Promise<EndToEndResult> {
  const [port = 0, sqsS3Port = 0, dynamoPort = 0] = options.ports;
  const adminToken = randomUUID();
  const system = await startInProcess("bench", {
    port,
    sqsS3Port,
    dynamoPort,
    pollers: 2,
    adminToken,
    telemetry,
    // Flat out on purpose: API Gateway's throttles are not what is measured.
    rateLimit: FLOOD_RATE_LIMIT,
    log: () => undefined,
  });
  try {
    const tag = Date.now().toString(36);
    const fixture = sagaFixture(options.orders + options.fixedRate * options.fixedSeconds, tag);
    await setUpSagaFixture(system.url, adminToken, fixture);
    // A channel's JWT, checked by the local gateway on every request, as deployed.
    const channelToken = await system.issuer.mint({ kind: "channel", subject: "bench" });
    // Flat out: every order as fast as the concurrency allows.
    const orders = orderMix(options.orders, `bench-${tag}`, fixture);
    const base = processedCount(telemetry.counters);
    const confirmedBase = telemetry.counters.OrdersConfirmed ?? 0;
    const sent: Sent[] = [];
    const show = progress("end to end: submitting");
    const started = Date.now();
    await pool(orders, options.concurrency, async (order) => {
      sent.push(await post(system.url, channelToken, order));
      show(sent.length, orders.length);
    });
    const acceptedAt = Date.now();
    const doneAt = await waitProcessed(telemetry, base + orders.length, "end to end: processing");
    const confirmed = (telemetry.counters.OrdersConfirmed ?? 0) - confirmedBase;
    const validOriginals = orders.filter((_, i) => i % 10 < 8 || i === 9).length;
    const flat = await latencies(system.url, channelToken, sent);

    // Fixed offered load: one order every 1000/rate ms, not waiting for answers.
    // (fixedSeconds 0: a repeat run that measures throughput only.)
    const fixedOrders = orderMix(options.fixedRate * options.fixedSeconds, `fixed-${tag}`, fixture);
    const fixedBase = processedCount(telemetry.counters);
    const fixedSent: Promise<Sent>[] = [];
    const gap = 1000 / options.fixedRate;
    const fixedStart = performance.now();
    const showFixed = progress(`fixed load ${options.fixedRate}/s`);
    for (const [i, order] of fixedOrders.entries()) {
      const due = fixedStart + i * gap;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      fixedSent.push(post(system.url, channelToken, order));
      showFixed(i + 1, fixedOrders.length);
    }
    const fixedResults = await Promise.all(fixedSent);
    await waitProcessed(telemetry, fixedBase + fixedOrders.length, "fixed load: processing");
    const fixed = await latencies(system.url, channelToken, fixedResults);

    return {
      orders: orders.length,
      concurrency: options.concurrency,
      acceptedPerSecond: round(orders.length / ((acceptedAt - started) / 1000)),
      processedPerSecond: round(orders.length / ((doneAt - started) / 1000)),
      confirmed,
      validOriginals,
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
