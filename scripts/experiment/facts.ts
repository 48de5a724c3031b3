import type { CheckRow, OrderLookup, Plan, PlannedOrder } from "./types.ts";

/** An order of the plan with its final view. */
export interface Outcome {
  order: PlannedOrder;
  view: OrderLookup;
  /** `CONFIRMED`, `REJECTED`, or the failure code of a `FAILED` order. */
  outcome: string;
}

/** A confirmed order, with when it was resolved and when each of its lines was committed (ms since the epoch). */
export interface Confirmed extends Outcome {
  resolvedAt: number;
  committedAt: Map<string, number>;
}

export const outcomeOf = (view: OrderLookup): string =>
  view.order.status === "FAILED" ? (view.order.failure?.code ?? "FAILED") : view.order.status;

/**
 * When the saga was resolved: the `at` of the last `confirm` or `fail` entry
 * of its log. An entry is stamped after its write returned, so this is no
 * earlier than the resolution itself.
 */
export function resolvedAt(view: OrderLookup): number | undefined {
  const end = view.saga?.findLast((entry) => entry.step === "confirm" || entry.step === "fail");
  return end ? Date.parse(end.at) : undefined;
}

/**
 * When each line was committed: the earliest `commit` entry naming the sku.
 * Entries are stamped after the write, and a redelivered run that finds the
 * commit done logs it later still, so the write happened no later than this;
 * without an entry, the resolution time bounds it.
 */
export function committedAt(view: OrderLookup): Map<string, number> {
  const times = new Map<string, number>();
  const end = resolvedAt(view) ?? Date.parse(view.order.processedAt);
  for (const line of view.reservations ?? []) times.set(line.sku, end);
  for (const entry of view.saga ?? []) {
    if (entry.step !== "commit" || entry.outcome !== "COMMITTED" || !entry.detail) continue;
    const at = Date.parse(entry.at);
    if (at < (times.get(entry.detail) ?? Number.POSITIVE_INFINITY)) times.set(entry.detail, at);
  }
  return times;
}

/** Every planned order that settled, with its outcome. */
export function outcomes(plan: Plan, views: Map<string, OrderLookup>): Outcome[] {
  return plan.orders.flatMap((order) => {
    const view = views.get(order.id);
    return view ? [{ order, view, outcome: outcomeOf(view) }] : [];
  });
}

/** The confirmed orders in the order they were resolved (ties by id). */
export function confirmedInOrder(all: Outcome[]): Confirmed[] {
  return all
    .filter((o) => o.outcome === "CONFIRMED")
    .map((o) => ({
      ...o,
      resolvedAt: resolvedAt(o.view) ?? Date.parse(o.view.order.processedAt),
      committedAt: committedAt(o.view),
    }))
    .sort((a, b) => a.resolvedAt - b.resolvedAt || a.order.id.localeCompare(b.order.id));
}

/** Units of a sku in an order (0 when it has no such line). */
export const unitsOf = (order: PlannedOrder, sku: string): number =>
  order.lines.find((line) => line.sku === sku)?.quantity ?? 0;

const MAX_LISTED = 20;

/** A table row; it passes when there is no violation. */
export function row(check: string, result: string, goal: string, violations: string[]): CheckRow {
  return { check, result, goal, pass: violations.length === 0, violations: violations.slice(0, MAX_LISTED) };
}

export const percent = (good: number, total: number): string =>
  `${total === 0 ? "100.0" : ((100 * good) / total).toFixed(1)}% (${good}/${total})`;
