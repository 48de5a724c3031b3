import { type Confirmed, type Outcome, row, unitsOf } from "./facts.ts";
import { sum } from "./money.ts";
import type { CheckRow, Fired, Plan, Snapshot } from "./types.ts";

/**
 * Stock and funds still held once every order is terminal: Σ reserved over
 * the skus, Σ held over the accounts, and any order whose view still shows a
 * HELD reservation or payment.
 */
export function checkHeld(plan: Plan, final: Snapshot, all: Outcome[]): CheckRow {
  const units = sum(plan.skus.map(({ sku }) => final.stock.get(sku)?.reserved ?? 0));
  const cents = sum(plan.accounts.map(({ accountId }) => final.accounts.get(accountId)?.heldCents ?? 0));
  const orders = all.flatMap(({ order, view }) =>
    view.payment?.status === "HELD" || view.reservations?.some((r) => r.status === "HELD")
      ? [
          `${order.id}: ${view.order.status} with ${JSON.stringify({ payment: view.payment, reservations: view.reservations })}`,
        ]
      : [],
  );
  const totals = [
    ...plan.skus.flatMap(({ sku }) => {
      const reserved = final.stock.get(sku)?.reserved ?? 0;
      return reserved ? [`${sku}: ${reserved} units reserved`] : [];
    }),
    ...plan.accounts.flatMap(({ accountId }) => {
      const held = final.accounts.get(accountId)?.heldCents ?? 0;
      return held ? [`${accountId}: ${held}¢ held`] : [];
    }),
  ];
  return row("Stock and funds held by terminal orders", `${units} units, ${cents} cents`, "0, 0", [
    ...totals,
    ...orders,
  ]);
}

/** What an order's own view says it did, against its outcome: a confirmed order took each line and the amount once; a failed one took nothing. */
export function effectProblems({ order, view, outcome }: Outcome): string[] {
  const say = (what: string) => [`${order.id}: ${outcome}, ${what}`];
  const reservations = view.reservations ?? [];
  if (outcome === "CONFIRMED") {
    if (view.payment?.status !== "POSTED" || Math.round(view.payment.amount * 100) !== order.amountCents)
      return say(`payment ${JSON.stringify(view.payment)}, expected POSTED ${order.amountCents}¢`);
    const committed = order.lines.every(
      (line) =>
        reservations.filter((r) => r.sku === line.sku && r.status === "COMMITTED" && r.quantity === line.quantity)
          .length === 1,
    );
    if (!committed || reservations.length !== order.lines.length)
      return say(`reservations ${JSON.stringify(reservations)}, expected each line COMMITTED once`);
    return [];
  }
  if (view.payment && view.payment.status !== "VOIDED") return say(`payment ${JSON.stringify(view.payment)}`);
  if (reservations.some((r) => r.status !== "RELEASED")) return say(`reservations ${JSON.stringify(reservations)}`);
  return [];
}

/**
 * Duplicated (or lost) effects. Per sku, the units sold (initial − final
 * onHand) equal Σ confirmed quantities; per payee, the credit equals Σ its
 * confirmed amounts; each order's payment and reservations match its
 * outcome; and every submission the API accepted is recorded exactly once,
 * the second of a duplicated id as a duplicate of the first (sameAsOriginal).
 */
export function checkDuplicatedEffects(
  plan: Plan,
  fired: Fired,
  initial: Snapshot,
  final: Snapshot,
  all: Outcome[],
  confirmed: Confirmed[],
): CheckRow[] {
  const skus = plan.skus.flatMap(({ sku }) => {
    const sold = (initial.stock.get(sku)?.onHand ?? 0) - (final.stock.get(sku)?.onHand ?? 0);
    const expected = sum(confirmed.map((c) => unitsOf(c.order, sku)));
    return sold === expected ? [] : [`${sku}: sold ${sold} units, Σ confirmed ${expected}`];
  });
  const payeeIds = plan.accounts.filter((a) => a.role === "payee");
  const payees = payeeIds.flatMap(({ accountId }) => {
    const a = (s: Snapshot) =>
      (s.accounts.get(accountId)?.balanceCents ?? 0) + (s.accounts.get(accountId)?.heldCents ?? 0);
    const credited = a(final) - a(initial);
    const expected = sum(confirmed.filter((c) => c.order.payee === accountId).map((c) => c.order.amountCents));
    return credited === expected ? [] : [`${accountId}: credited ${credited}¢, Σ confirmed ${expected}¢`];
  });
  const orders = all.flatMap(effectProblems);
  const records = all.flatMap(({ order, view }) => {
    const ours = fired.accepted.get(order.id) ?? [];
    const recorded = [view.order.submissionId, ...view.duplicates.map((d) => d.submissionId)];
    const problems = ours
      .filter((id) => recorded.filter((r) => r === id).length !== 1)
      .map((id) => `${order.id}: submission ${id} recorded ${recorded.filter((r) => r === id).length} times`);
    if (view.order.isDuplicate) problems.push(`${order.id}: the original is flagged isDuplicate`);
    if (view.duplicates.some((d) => !d.sameAsOriginal))
      problems.push(`${order.id}: a duplicate differs from its original`);
    if (recorded.length !== ours.length)
      problems.push(`${order.id}: ${recorded.length} records for ${ours.length} accepted submissions`);
    return problems;
  });
  const duplicatedIds = [...fired.accepted.values()].filter((ids) => ids.length > 1).length;
  return [
    row("Duplicated effects", String(skus.length + payees.length + orders.length + records.length), "0", [
      ...skus,
      ...payees,
      ...orders,
      ...records,
    ]),
    row(
      "  per sku: sold = Σ confirmed quantities",
      `${plan.skus.length - skus.length}/${plan.skus.length} skus`,
      "all",
      skus,
    ),
    row(
      "  per payee: credited = Σ confirmed amounts",
      `${payeeIds.length - payees.length}/${payeeIds.length} payees`,
      "all",
      payees,
    ),
    row(
      "  per order: payment and reservations match outcome",
      `${all.length - new Set(orders.map((o) => o.split(":")[0])).size}/${all.length}`,
      "all",
      orders,
    ),
    row(`  submissions recorded once (${duplicatedIds} ids sent twice)`, `${records.length} broken`, "0", records),
  ];
}
