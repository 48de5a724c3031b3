import { type Confirmed, type Outcome, percent, row, unitsOf } from "./facts.ts";
import { sum } from "./money.ts";
import type { CheckRow, Plan, Snapshot } from "./types.ts";

export interface StockContext {
  plan: Plan;
  initial: Snapshot;
  final: Snapshot;
  all: Outcome[];
  confirmed: Confirmed[];
  /** How far apart the clocks that stamp `receivedAt` and the saga log may be (0 on one machine). */
  clockSkewMs: number;
}

interface Detail {
  sku: string;
  requested: number;
  available: number;
}

const onHandAt = (snapshot: Snapshot, sku: string) => snapshot.stock.get(sku)?.onHand ?? 0;

/**
 * Replays the confirmed orders, in the order they were resolved, against the
 * initial stock: each takes its lines' units. Returns the orders that took a
 * sku below zero (they did not really fit) and the stock left per sku.
 */
export function replayConfirmed(initial: Map<string, number>, confirmed: Confirmed[]) {
  const left = new Map(initial);
  const overdrawn: string[] = [];
  for (const { order } of confirmed) {
    for (const line of order.lines) {
      const now = (left.get(line.sku) ?? 0) - line.quantity;
      left.set(line.sku, now);
      if (now < 0) overdrawn.push(`${order.id}: confirmed ${line.sku} ×${line.quantity}, the replay leaves ${now}`);
    }
  }
  return { left, overdrawn };
}

/**
 * What is wrong with one OUT_OF_STOCK order's details. Each listed line must
 * be a line of the order, with `requested` its quantity and
 * `0 ≤ available < requested`; `available` can be no more than the initial
 * stock less the units of confirmed orders committed before the order was
 * received; a line asking more than the sku ever had must be listed; a sku
 * that holds more than all orders ask must not be.
 */
export function shortfallProblems(
  outcome: Outcome,
  initial: Map<string, number>,
  demand: Map<string, number>,
  committedBefore: (sku: string, at: number) => number,
  clockSkewMs: number,
): string[] {
  const { order, view } = outcome;
  const details = view.order.failure?.details;
  if (!Array.isArray(details) || details.length === 0) return [`${order.id}: OUT_OF_STOCK with no details`];
  const problems: string[] = [];
  const received = Date.parse(view.order.receivedAt) - clockSkewMs;
  const listed = new Set<string>();
  for (const detail of details as Detail[]) {
    const quantity = unitsOf(order, detail.sku);
    const bound = (initial.get(detail.sku) ?? 0) - committedBefore(detail.sku, received);
    const say = (what: string) => problems.push(`${order.id} ${detail.sku}: ${what} (${JSON.stringify(detail)})`);
    if (listed.has(detail.sku)) say("listed twice");
    listed.add(detail.sku);
    if (quantity === 0) say("not a line of the order");
    else if (detail.requested !== quantity) say(`requested ${detail.requested}, the line asks ${quantity}`);
    if (!Number.isInteger(detail.available) || detail.available < 0) say("available is not an integer ≥ 0");
    if (!(detail.available < detail.requested)) say("available ≥ requested: not short");
    if (detail.available > bound) say(`available ${detail.available} > at most ${bound} left when it was received`);
    if ((initial.get(detail.sku) ?? 0) >= (demand.get(detail.sku) ?? 0)) say("listed, but the sku holds all demand");
  }
  for (const line of order.lines) {
    if (line.quantity > (initial.get(line.sku) ?? 0) && !listed.has(line.sku))
      problems.push(
        `${order.id} ${line.sku}: ×${line.quantity} exceeds the initial ${initial.get(line.sku) ?? 0}, not listed`,
      );
  }
  if (view.reservations?.some((r) => r.status !== "RELEASED"))
    problems.push(`${order.id}: a reservation is not RELEASED: ${JSON.stringify(view.reservations)}`);
  return problems;
}

/** Units of `sku` committed by confirmed orders strictly before `at`. */
function committedBeforeFn(confirmed: Confirmed[]) {
  return (sku: string, at: number) =>
    sum(confirmed.map((c) => ((c.committedAt.get(sku) ?? Number.POSITIVE_INFINITY) < at ? unitsOf(c.order, sku) : 0)));
}

/** The shortfall rows: detection overall, then each part of it, and the stock reconciliation. */
export function checkShortfalls(context: StockContext): CheckRow[] {
  const { plan, initial, final, all, confirmed, clockSkewMs } = context;
  const skus = plan.skus.map((s) => s.sku);
  const initialOnHand = new Map(skus.map((sku) => [sku, onHandAt(initial, sku)]));
  const demand = new Map(skus.map((sku) => [sku, sum(plan.orders.map((o) => unitsOf(o, sku)))]));
  const committedBefore = committedBeforeFn(confirmed);

  // Orders that certainly could not be served: a line asks more than the sku ever had. Accounts are checked
  // before stock, so only those whose accounts all exist must fail on stock.
  const certain = all.filter(
    (o) =>
      o.order.category !== "unknownAccount" &&
      o.order.category !== "invalid" &&
      o.order.lines.some((line) => line.quantity > (initialOnHand.get(line.sku) ?? 0)),
  );
  const missed = certain
    .filter((o) => o.outcome !== "OUT_OF_STOCK")
    .map((o) => `${o.order.id}: ${o.outcome}, expected OUT_OF_STOCK`);
  const outOfStock = all.filter((o) => o.outcome === "OUT_OF_STOCK");
  const badDetails = outOfStock.flatMap((o) =>
    shortfallProblems(o, initialOnHand, demand, committedBefore, clockSkewMs),
  );
  const badOrders = new Set(badDetails.map((problem) => problem.split(/[: ]/)[0]));
  const { left, overdrawn } = replayConfirmed(initialOnHand, confirmed);
  const unfit = new Set(overdrawn.map((problem) => problem.split(":")[0]));
  const unreconciled = skus.flatMap((sku) => {
    const expected = left.get(sku) ?? 0;
    const actual = onHandAt(final, sku);
    return expected === actual
      ? []
      : [
          `${sku}: initial ${initialOnHand.get(sku)} − confirmed ${(initialOnHand.get(sku) ?? 0) - expected} = ${expected}, final onHand ${actual}`,
        ];
  });

  const judged = new Set([...certain, ...outOfStock, ...confirmed].map((o) => o.order.id));
  const wrong = new Set([...missed.map((m) => m.split(":")[0]), ...badOrders, ...unfit]);
  return [
    row("Shortfall detection (every stock verdict right)", percent(judged.size - wrong.size, judged.size), "100%", [
      ...missed,
      ...badDetails,
      ...overdrawn,
    ]),
    row("  certain shortfalls → OUT_OF_STOCK", percent(certain.length - missed.length, certain.length), "100%", missed),
    row(
      "  OUT_OF_STOCK details correct",
      percent(outOfStock.length - badOrders.size, outOfStock.length),
      "100%",
      badDetails,
    ),
    row(
      "  confirmed orders that fit (replay)",
      percent(confirmed.length - unfit.size, confirmed.length),
      "100%",
      overdrawn,
    ),
    row(
      "  Σ confirmed + final onHand = initial",
      percent(skus.length - unreconciled.length, skus.length).replace(")", " skus)"),
      "100%",
      unreconciled,
    ),
  ];
}
