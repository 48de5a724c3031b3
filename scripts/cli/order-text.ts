import type { ListedOrder } from "@orders/core/domain/order-listing";

/**
 * What `npm run orders` prints: an order as a readable page (its saga log as
 * a timeline), and a listing as aligned rows. Plain functions of the API's
 * bodies, so that they are easy to test.
 */

interface SagaEntry {
  step: string;
  outcome: string;
  attempt: number;
  at: string;
  detail?: string;
}

/** `GET /orders/{id}`'s body, as far as it is printed. */
export interface OrderLookup {
  order: {
    id: string;
    status: string;
    amount: unknown;
    fromAccount: unknown;
    toAccount: unknown;
    channel: string;
    valid: boolean;
    errors: { field: string; code: string; message: string }[];
    receivedAt: string;
    failure?: { code: string; message: string; details?: unknown };
    cancellation?: { reason: string; requestedAt: string };
    refunded?: boolean;
  };
  duplicates: { submissionId: string; receivedAt: string; sameAsOriginal: boolean }[];
  payment?: { status: string; amount: number };
  reservations?: { sku: string; quantity: number; status: string }[];
  saga?: SagaEntry[];
  notifications?: Record<string, unknown>[];
}

const pad = (text: string, width: number) => text.padEnd(width);

/** The saga log, oldest first, each step with its time and the time since the first. */
export function sagaTimeline(saga: SagaEntry[]): string[] {
  const sorted = [...saga].sort((a, b) => a.at.localeCompare(b.at));
  const start = Date.parse(sorted[0]?.at ?? "");
  return sorted.map((entry) => {
    const since = `+${((Date.parse(entry.at) - start) / 1000).toFixed(3)}s`;
    const attempt = entry.attempt === 0 ? "sweeper" : `attempt ${entry.attempt}`;
    return `  ${entry.at}  ${pad(since, 10)} ${pad(entry.step, 8)} ${pad(entry.outcome, 10)} ${pad(attempt, 10)}${entry.detail ? ` ${entry.detail}` : ""}`.trimEnd();
  });
}

/** An order as `npm run orders -- show` prints it. */
export function orderText(lookup: OrderLookup): string[] {
  const { order } = lookup;
  const lines = [
    `order ${order.id}: ${order.status}`,
    `  amount ${String(order.amount)} from ${String(order.fromAccount)} to ${String(order.toAccount)}, channel ${order.channel}, received ${order.receivedAt}`,
  ];
  if (!order.valid) {
    lines.push("  rejected:", ...order.errors.map((error) => `    ${error.field}: ${error.code} (${error.message})`));
  }
  if (order.failure) {
    const details = order.failure.details === undefined ? "" : ` ${JSON.stringify(order.failure.details)}`;
    lines.push(`  failure: ${order.failure.code}: ${order.failure.message}${details}`);
  }
  if (order.cancellation) {
    lines.push(
      `  cancellation: "${order.cancellation.reason}" at ${order.cancellation.requestedAt}${order.refunded ? ", refunded" : ""}`,
    );
  }
  lines.push(`payment: ${lookup.payment ? `${lookup.payment.status} ${lookup.payment.amount}` : "none"}`);
  lines.push(`reservations:${lookup.reservations?.length ? "" : " none"}`);
  for (const line of lookup.reservations ?? [])
    lines.push(`  ${pad(line.sku, 16)} ×${pad(String(line.quantity), 6)} ${line.status}`);
  lines.push(`saga:${lookup.saga?.length ? "" : " no steps logged yet"}`, ...sagaTimeline(lookup.saga ?? []));
  if (lookup.duplicates.length) {
    lines.push(`duplicates: ${lookup.duplicates.length}`);
    for (const duplicate of lookup.duplicates) {
      lines.push(
        `  ${duplicate.submissionId} at ${duplicate.receivedAt}${duplicate.sameAsOriginal ? ", same as the original" : ", different"}`,
      );
    }
  }
  if (Array.isArray(lookup.notifications)) {
    lines.push(`notifications:${lookup.notifications.length ? "" : " none"}`);
    for (const notification of lookup.notifications) {
      const { type, status, attempts, eventId, ...rest } = notification;
      const more = Object.entries(rest)
        .map(([name, value]) => `${name} ${typeof value === "string" ? value : JSON.stringify(value)}`)
        .join(", ");
      lines.push(
        `  ${String(type ?? eventId ?? "event")}  ${String(status ?? "")}  attempts ${String(attempts ?? 0)}${more ? `  ${more}` : ""}`,
      );
    }
  }
  return lines;
}

/** A listing's rows, newest first. */
export function listingText(orders: ListedOrder[]): string[] {
  return orders.map((order) =>
    [
      pad(order.id, 24),
      pad(order.status, 10),
      pad(order.amount === undefined ? "-" : String(order.amount), 12),
      `${order.fromAccount} → ${order.toAccount}`,
      `received ${order.receivedAt}`,
      order.resolvedAt ? `resolved ${order.resolvedAt}` : "",
      order.refunded ? "refunded" : "",
      order.failure ? order.failure.code : "",
    ]
      .filter(Boolean)
      .join("  "),
  );
}
