import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ExperimentResult } from "./run-experiment.ts";

const OUTCOMES = ["CONFIRMED", "OUT_OF_STOCK", "INSUFFICIENT_FUNDS", "UNKNOWN_ACCOUNT", "REJECTED"];

const table = (header: string[], rows: string[][]): string => {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
};

/** The checks as a Markdown table, one line each, with ✓ or ✗. */
export function checksTable(result: ExperimentResult): string {
  return table(
    ["Check", "Result", "Goal", ""],
    result.checks.map((c) => [c.check.replace(/^ {2}/, "↳ "), c.result, c.goal, c.pass ? "✓" : "✗"]),
  );
}

/** Outcome counts per category of the mix, as a Markdown table. */
export function outcomesTable(result: ExperimentResult): string {
  const seen = new Set(Object.values(result.outcomes).flatMap((counts) => Object.keys(counts)));
  const columns = [...OUTCOMES, ...[...seen].filter((o) => !OUTCOMES.includes(o)).sort()];
  const categories = Object.keys(result.outcomes).filter((c) => c !== "all");
  return table(
    ["Category", ...columns, "Orders"],
    [...categories, "all"].map((category) => {
      const counts = result.outcomes[category] ?? {};
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      return [category, ...columns.map((o) => String(counts[o] ?? 0)), String(total)];
    }),
  );
}

/** One paragraph: size, time, throughput, duplicates, DLQ and faults. */
export function summary(result: ExperimentResult): string {
  const { submissions: s, seconds: t } = result;
  const faults = result.faults
    ? `; faults ${result.faults.rules}: ${Object.values(result.faults.injected).reduce((a, b) => a + b, 0)} calls failed, ${result.dlq.redriven} dead letters redriven`
    : "";
  return (
    `${s.sent} submissions (${s.duplicatedIds} ids sent twice), ${s.accepted} accepted, against ${result.target}; ` +
    `${t.total} s in all: set-up ${t.setup} s, firing ${t.fire} s (${result.firedPerSecond}/s), until all terminal ${t.settle} s, ` +
    `verification ${t.verify} s; ${result.samples} sampled reads${faults}.`
  );
}

/** Everything, for the terminal. */
export function render(result: ExperimentResult): string {
  const failing = result.checks.filter((c) => !c.pass);
  const details = failing.map((c) => `✗ ${c.check.trim()}:\n${c.violations.map((v) => `    ${v}`).join("\n")}`);
  return [
    checksTable(result),
    "",
    outcomesTable(result),
    "",
    summary(result),
    ...(details.length ? ["", ...details] : []),
    "",
    result.pass ? "every check passed" : `${failing.length} check(s) failed`,
  ].join("\n");
}

export function writeResult(path: string, result: ExperimentResult): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
}
