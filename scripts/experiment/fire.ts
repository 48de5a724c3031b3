import { type Api, call } from "./api.ts";
import { toUnits } from "./money.ts";
import { pool } from "./pool.ts";
import type { Fired, PlannedOrder } from "./types.ts";

/** The order as `POST /orders` takes it: decimal units on the wire. */
export function orderBody(order: PlannedOrder): Record<string, unknown> {
  return {
    id: order.id,
    amount: toUnits(order.amountCents),
    fromAccount: order.payer,
    toAccount: order.payee,
    channel: "api",
    items: order.lines.map((line) => ({
      sku: line.sku,
      quantity: line.quantity,
      unitPrice: toUnits(line.unitPriceCents),
    })),
  };
}

/**
 * POSTs every submission with at most `concurrency` in flight, and keeps the
 * submission id of each one the API accepted (202).
 */
export async function fire(
  api: Api,
  submissions: PlannedOrder[],
  concurrency: number,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<Fired> {
  const started = Date.now();
  const accepted = new Map<string, string[]>();
  const refused: Fired["refused"] = [];
  let done = 0;
  await pool(submissions, concurrency, async (order) => {
    const { status, body } = await call<{ submissionId: string }>(api, "POST", "/orders", { body: orderBody(order) });
    if (status === 202) accepted.set(order.id, [...(accepted.get(order.id) ?? []), body.submissionId]);
    else refused.push({ id: order.id, status });
    onProgress(++done, submissions.length);
  });
  return { accepted, refused, seconds: (Date.now() - started) / 1000 };
}
