import { type Outcome, percent, row } from "./facts.ts";
import type { Category, CheckRow, Fired, Plan } from "./types.ts";

/** The outcomes each category may end in: the mix's promise. */
export const EXPECTED: Record<Category, string[]> = {
  fit: ["CONFIRMED"],
  contended: ["CONFIRMED", "OUT_OF_STOCK"],
  shortfall: ["OUT_OF_STOCK"],
  tightFunds: ["CONFIRMED", "INSUFFICIENT_FUNDS"],
  insufficientFunds: ["INSUFFICIENT_FUNDS"],
  unknownAccount: ["UNKNOWN_ACCOUNT"],
  invalid: ["REJECTED"],
};

/** What is wrong with an UNKNOWN_ACCOUNT or REJECTED order's record. */
export function recordProblems({ order, view, outcome }: Outcome, unknown: Set<string>): string[] {
  if (outcome === "UNKNOWN_ACCOUNT") {
    const listed = ((view.order.failure?.details ?? []) as { accountId?: string }[]).map((d) => d.accountId).sort();
    const expected = [order.payer, order.payee].filter((id) => unknown.has(id)).sort();
    if (JSON.stringify(listed) !== JSON.stringify(expected))
      return [`${order.id}: UNKNOWN_ACCOUNT lists ${JSON.stringify(listed)}, expected ${JSON.stringify(expected)}`];
  }
  if (outcome === "REJECTED" && !view.order.errors.some((e) => e.field === "amount" && e.code === "AMOUNT_MISMATCH"))
    return [`${order.id}: REJECTED with ${JSON.stringify(view.order.errors)}, expected AMOUNT_MISMATCH`];
  return [];
}

/** Outcome counts, per category and overall. */
export function outcomeMatrix(all: Outcome[]): Record<string, Record<string, number>> {
  const matrix: Record<string, Record<string, number>> = {};
  const count = (key: string, outcome: string) => {
    const line = matrix[key] ?? {};
    line[outcome] = (line[outcome] ?? 0) + 1;
    matrix[key] = line;
  };
  for (const { order, outcome } of all) {
    count(order.category, outcome);
    count("all", outcome);
  }
  return matrix;
}

/**
 * Every order terminal, and each one's outcome among those its category
 * allows (with the right accounts for UNKNOWN_ACCOUNT, AMOUNT_MISMATCH for
 * REJECTED).
 */
export function checkOutcomes(plan: Plan, fired: Fired, all: Outcome[], unsettled: Map<string, string>): CheckRow[] {
  const notTerminal = [...unsettled].map(([id, status]) => `${id}: still ${status}`);
  const refused = fired.refused.map(({ id, status }) => `${id}: POST answered ${status}`);
  const unknown = new Set(plan.unknownAccounts);
  const wrong = all.flatMap((o) =>
    EXPECTED[o.order.category].includes(o.outcome)
      ? recordProblems(o, unknown)
      : [
          `${o.order.id} (${o.order.category}): ${o.outcome}, expected ${EXPECTED[o.order.category].join(" or ")}` +
            ` (received ${o.view.order.receivedAt}, ended ${o.view.saga?.at(-1)?.at ?? o.view.order.processedAt})`,
        ],
  );
  return [
    row("Orders terminal", percent(all.length, plan.orders.length), "100%", [...refused, ...notTerminal]),
    row("Outcomes as designed", percent(all.length - wrong.length, all.length), "100%", wrong),
  ];
}
