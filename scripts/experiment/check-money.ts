import { type Confirmed, type Outcome, row } from "./facts.ts";
import { sum, toCents } from "./money.ts";
import type { CheckRow, Plan, Samples, Snapshot } from "./types.ts";

const total = (s: Snapshot, id: string) => {
  const a = s.accounts.get(id);
  return a ? a.balanceCents + a.heldCents : 0;
};

/** Σ confirmed amounts per account, on one side of the payment. */
function confirmedBy(confirmed: Confirmed[], side: "payer" | "payee"): Map<string, number> {
  const by = new Map<string, number>();
  for (const { order } of confirmed) by.set(order[side], (by.get(order[side]) ?? 0) + order.amountCents);
  return by;
}

/** What is wrong with an INSUFFICIENT_FUNDS order's details: `{accountId: payer, requested: amount, 0 ≤ available < requested}`. */
export function fundsProblems(outcome: Outcome, depositCents: number): string[] {
  const { order, view } = outcome;
  const d = view.order.failure?.details as { accountId?: string; requested?: number; available?: number } | undefined;
  const say = (what: string) => [`${order.id}: ${what} (${JSON.stringify(d)})`];
  if (!d || typeof d.requested !== "number" || typeof d.available !== "number") return say("no details");
  const requested = toCents(d.requested);
  const available = toCents(d.available);
  if (d.accountId !== order.payer) return say(`accountId is not the payer ${order.payer}`);
  if (requested !== order.amountCents) return say(`requested ${requested}¢, the order is ${order.amountCents}¢`);
  if (available < 0 || available >= requested) return say("available is not in [0, requested)");
  if (available > depositCents) return say(`available ${available}¢ > deposited ${depositCents}¢`);
  if (view.payment?.status === "POSTED") return say("payment POSTED");
  return [];
}

/**
 * Money: Σ balance + held over every experiment account is the same before
 * and after; each payer lost exactly Σ its confirmed amounts, each payee got
 * exactly Σ its confirmed amounts; no balance went negative, at the end or
 * in a sample; and every INSUFFICIENT_FUNDS order said why correctly.
 */
export function checkMoney(
  plan: Plan,
  initial: Snapshot,
  final: Snapshot,
  all: Outcome[],
  confirmed: Confirmed[],
  samples: Samples,
): CheckRow[] {
  const ids = plan.accounts.map((a) => a.accountId);
  const before = sum(ids.map((id) => total(initial, id)));
  const after = sum(ids.map((id) => total(final, id)));
  const confirmedCents = sum(confirmed.map((c) => c.order.amountCents));
  const byPayer = confirmedBy(confirmed, "payer");
  const byPayee = confirmedBy(confirmed, "payee");
  const payers = plan.accounts.filter((a) => a.role !== "payee");
  const payees = plan.accounts.filter((a) => a.role === "payee");
  const debits = payers.map((a) => ({
    id: a.accountId,
    actual: total(initial, a.accountId) - total(final, a.accountId),
    expected: byPayer.get(a.accountId) ?? 0,
  }));
  const credits = payees.map((a) => ({
    id: a.accountId,
    actual: total(final, a.accountId) - total(initial, a.accountId),
    expected: byPayee.get(a.accountId) ?? 0,
  }));
  const off = (list: typeof debits, what: string) =>
    list.filter((x) => x.actual !== x.expected).map((x) => `${x.id}: ${what} ${x.actual}¢, Σ confirmed ${x.expected}¢`);
  const negative = ids.flatMap((id) => {
    const a = final.accounts.get(id);
    return a && (a.balanceCents < 0 || a.heldCents < 0)
      ? [`${id}: balance ${a.balanceCents}¢, held ${a.heldCents}¢`]
      : [];
  });
  const sampled = samples.violations
    .filter((v) => !v.subject.startsWith("XP-"))
    .map((v) => `${v.at} ${v.subject}: ${v.problem}`);
  const depositOf = new Map(plan.accounts.map((a) => [a.accountId, a.depositCents]));
  const insufficient = all.filter((o) => o.outcome === "INSUFFICIENT_FUNDS");
  const badFunds = insufficient.flatMap((o) => fundsProblems(o, depositOf.get(o.order.payer) ?? 0));
  const debited = sum(debits.map((d) => d.actual));
  const credited = sum(credits.map((c) => c.actual));
  return [
    row(
      "Money created or destroyed",
      `${after - before} cents`,
      "0 cents",
      after === before ? [] : [`Σ balance + held: before ${before}¢, after ${after}¢`],
    ),
    row(
      "  payer debits = payee credits = Σ confirmed",
      `${debited} = ${credited} = ${confirmedCents} cents`,
      "equal, per account too",
      [...off(debits, "debited"), ...off(credits, "credited")],
    ),
    row("  no balance or hold below 0 (end and sampled)", `${negative.length + sampled.length} broken`, "0", [
      ...negative,
      ...sampled,
    ]),
    row(
      "  INSUFFICIENT_FUNDS details correct",
      `${insufficient.length - new Set(badFunds.map((b) => b.split(":")[0])).size}/${insufficient.length}`,
      "all",
      badFunds,
    ),
  ];
}
