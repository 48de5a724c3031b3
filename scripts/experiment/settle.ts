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
      admin: true,
      body: { all: true, limit: 100 },
    });
    calls += 1;
    const now = body.results.filter((r) => r.status === "REDRIVEN").length;
    moved += now;
    if (now === 0) break;
  }
  return { moved, calls };
}

async function dlqDepth(api: Api): Promise<number> {
  const { status, body } = await call<{ depth: number }>(api, "GET", "/admin/dlq?limit=1", { admin: true });
  return status === 200 ? body.depth : 0;
}

/**
 * Polls `GET /orders/{id}` for every order not yet settled, round after
 * round (at most every 500 ms), until all are settled or the time is up.
 * Between rounds, whatever reached the DLQ is redriven, so that orders whose
 * retries ran out under faults get another run of their saga.
 */
export async function settle(api: Api, accepted: Map<string, string[]>, options: SettleOptions): Promise<Settled> {
  const started = Date.now();
  const deadline = started + options.timeoutSeconds * 1000;
  const views = new Map<string, OrderLookup>();
  const lastSeen = new Map<string, string>([...accepted.keys()].map((id) => [id, "not polled"]));
  let redriven = 0;
  let redriveCalls = 0;
  while (lastSeen.size > 0 && Date.now() < deadline) {
    const round = Date.now();
    await pool([...lastSeen.keys()], options.concurrency, async (id) => {
      const { status, body } = await call<OrderLookup>(api, "GET", `/orders/${encodeURIComponent(id)}`);
      if (status !== 200) {
        lastSeen.set(id, String(status));
        return;
      }
      if (isSettled(body, accepted.get(id) ?? [])) {
        views.set(id, body);
        lastSeen.delete(id);
      } else lastSeen.set(id, body.order.status);
    });
    options.onProgress?.(views.size, accepted.size);
    if (lastSeen.size === 0) break;
    if ((await dlqDepth(api)) > 0) {
      const { moved, calls } = await redriveDlq(api);
      redriven += moved;
      redriveCalls += calls;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 500 - (Date.now() - round))));
  }
  return { views, unsettled: lastSeen, redriven, redriveCalls, seconds: (Date.now() - started) / 1000 };
}
