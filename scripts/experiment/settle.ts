import { type Api, call, expect } from "./api.ts";
import { pool } from "./pool.ts";
import type { OrderLookup } from "./types.ts";

/** The statuses an original ends in. `PENDING` is not one; `ACCEPTED` belongs to orders from before fulfilment. */
export const TERMINAL = new Set(["CONFIRMED", "FAILED", "REJECTED"]);

export interface Settled {
  /** The final view of each order id that became terminal with every accepted submission recorded. */
  views: Map<string, OrderLookup>;
  /** Ids still not terminal when time ran out, with the last status seen (or 404). */
  unsettled: Map<string, string>;
  redriven: number;
  redriveCalls: number;
  seconds: number;
}

export interface SettleOptions {
  timeoutSeconds: number;
  concurrency: number;
  onProgress?: (done: number, total: number) => void;
}

/** Done when the original is terminal and every submission the API accepted under that id is recorded. */
export function isSettled(view: OrderLookup, submissionIds: string[]): boolean {
  if (!TERMINAL.has(view.order.status)) return false;
  const recorded = new Set([view.order.submissionId, ...view.duplicates.map((d) => d.submissionId)]);
  return submissionIds.every((id) => recorded.has(id));
}

/** Redrives the whole DLQ through the admin API, 100 a call, until a call moves nothing; returns how many moved. */
export async function redriveDlq(api: Api): Promise<{ moved: number; calls: number }> {
  let moved = 0;
  let calls = 0;
  for (let round = 0; round < 100; round++) {
    const { body } = await expect<{ results: { status: string }[] }>(api, "POST", "/admin/dlq/redrive", [200], {
      body: { all: true, limit: 100 },
    });
    calls += 1;
    const now = body.results.filter((r) => r.status === "REDRIVEN").length;
    moved += now;
    if (now === 0) break;
  }
  return { moved, calls };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function dlqDepth(api: Api): Promise<number> {
  const { status, body } = await call<{ depth: number }>(api, "GET", "/admin/dlq?limit=1");
  return status === 200 ? body.depth : 0;
}

/**
 * Polls `GET /orders/{id}` for the orders not yet settled, `concurrency` at a
 * time, in firing order and round the list again, until all are settled or
 * the time is up. Orders are processed roughly in the order they were sent,
 * so a batch in which nothing settled means the rest are not done either:
 * then it pauses 500 ms (250 ms after a batch mostly still open), redrives whatever reached the DLQ (so that orders
 * whose retries ran out under faults get another run of their saga), and
 * after two such batches goes back to the oldest. When time is up, every
 * order still open is read once more.
 */
export async function settle(api: Api, accepted: Map<string, string[]>, options: SettleOptions): Promise<Settled> {
  const started = Date.now();
  const deadline = started + options.timeoutSeconds * 1000;
  const views = new Map<string, OrderLookup>();
  const lastSeen = new Map<string, string>([...accepted.keys()].map((id) => [id, "not polled"]));
  let pending = [...accepted.keys()];
  let cursor = 0;
  let idle = 0;
  let redriven = 0;
  let redriveCalls = 0;
  const poll = async (id: string): Promise<boolean> => {
    const { status, body } = await call<OrderLookup>(api, "GET", `/orders/${encodeURIComponent(id)}`);
    if (status !== 200) lastSeen.set(id, String(status));
    else if (!isSettled(body, accepted.get(id) ?? [])) lastSeen.set(id, body.order.status);
    else {
      views.set(id, body);
      lastSeen.delete(id);
      return true;
    }
    return false;
  };
  while (pending.length > 0 && Date.now() < deadline) {
    if (cursor >= pending.length) cursor = 0;
    const batch = pending.slice(cursor, cursor + options.concurrency);
    const settledNow = (await Promise.all(batch.map(poll))).filter(Boolean).length;
    pending = pending.filter((id) => lastSeen.has(id));
    cursor += batch.length - settledNow;
    options.onProgress?.(views.size, accepted.size);
    if (pending.length === 0) break;
    if (settledNow > 0) {
      idle = 0;
      // Most of the batch still open: the processor is behind; give it the CPU rather than poll on.
      if (settledNow < batch.length / 2) await sleep(250);
      continue;
    }
    // Two idle batches in a row: the rest is still being processed; go back to the oldest.
    if (++idle >= 2) {
      idle = 0;
      cursor = 0;
    }
    await sleep(500);
    if ((await dlqDepth(api)) > 0) {
      const { moved, calls } = await redriveDlq(api);
      redriven += moved;
      redriveCalls += calls;
    }
  }
  // Time is up: one last look at every order still open, so that none is reported unseen.
  await pool(pending, options.concurrency, async (id) => {
    await poll(id);
  });
  return { views, unsettled: lastSeen, redriven, redriveCalls, seconds: (Date.now() - started) / 1000 };
}
