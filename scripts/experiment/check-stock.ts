import { type Confirmed, row, unitsOf } from "./facts.ts";
import { sum } from "./money.ts";
import type { CheckRow, Plan, Samples, Snapshot } from "./types.ts";

/**
 * Oversold units: per sku, the units confirmed beyond the initial stock, plus
 * any final `onHand` below zero. The invariants behind it are checked at the
 * end (onHand ≥ 0, reserved = 0 ≤ onHand, available = onHand − reserved) and
 * on every sample taken while the orders ran (reserved ≤ onHand, nothing
 * negative, onHand never above the initial count and never rising).
 */
export function checkOversold(
  plan: Plan,
  initial: Snapshot,
  final: Snapshot,
  confirmed: Confirmed[],
  samples: Samples,
): CheckRow[] {
  const oversold = plan.skus.map(({ sku }) => {
    const start = initial.stock.get(sku)?.onHand ?? 0;
    const sold = sum(confirmed.map((c) => unitsOf(c.order, sku)));
    const end = final.stock.get(sku)?.onHand ?? 0;
    return { sku, units: Math.max(0, sold - start) + Math.max(0, -end), sold, start, end };
  });
  const overs = oversold
    .filter((o) => o.units > 0)
    .map((o) => `${o.sku}: ${o.sold} confirmed of ${o.start}, final onHand ${o.end}`);
  const endProblems = plan.skus.flatMap(({ sku }) => {
    const s = final.stock.get(sku);
    if (!s) return [`${sku}: not read`];
    const problems: string[] = [];
    if (s.onHand < 0) problems.push(`${sku}: final onHand ${s.onHand}`);
    if (s.reserved !== 0) problems.push(`${sku}: final reserved ${s.reserved}`);
    if (s.reserved > s.onHand) problems.push(`${sku}: reserved ${s.reserved} > onHand ${s.onHand}`);
    if (s.available !== s.onHand - s.reserved) problems.push(`${sku}: available ${s.available} ≠ onHand − reserved`);
    return problems;
  });
  const sampled = samples.violations
    .filter((v) => v.subject.startsWith("XP-"))
    .map((v) => `${v.at} ${v.subject}: ${v.problem}`);
  const stockSamples = samples.taken;
  return [
    row("Oversold units", String(sum(oversold.map((o) => o.units))), "0", overs),
    row("  stock invariants at the end (every sku)", `${endProblems.length} broken`, "0", endProblems),
    row(
      "  stock invariants while running (sampled)",
      `${sampled.length} broken in ${stockSamples} reads`,
      "0",
      sampled,
    ),
  ];
}
