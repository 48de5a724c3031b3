/**
 * `npm run test:reliability [-- --orders N]`: the reliability scenarios at
 * scale (10,000 orders each by default), one table row per scenario, written
 * to bench/results/reliability.json too. Exits non-zero if any order was lost
 * or doubled.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Figures } from "../test/reliability/harness.ts";
import { scenarios } from "../test/reliability/scenarios.ts";

const { values } = parseArgs({ options: { orders: { type: "string", default: "10000" }, only: { type: "string" } } });
const orders = Number(values.orders);
const columns = [
  "scenario",
  "submitted",
  "accepted",
  "recorded",
  "inDlq",
  "redriven",
  "lost",
  "doubled",
  "duplicateDeliveries",
  "seconds",
] as const;

const rows: Figures[] = [];
for (const [name, run] of Object.entries(scenarios)) {
  if (values.only && values.only !== name) continue;
  process.stderr.write(`▶ ${name} (${orders} orders)\n`);
  rows.push(await run(orders));
}

const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => String(row[column]).length)));
const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" | ")} |`;
process.stdout.write(`\n${line([...columns])}\n${line(widths.map((w) => "-".repeat(w)))}\n`);
for (const row of rows) process.stdout.write(`${line(columns.map((column) => String(row[column])))}\n`);

mkdirSync("bench/results", { recursive: true });
writeFileSync(
  "bench/results/reliability.json",
  `${JSON.stringify({ date: new Date().toISOString(), orders, rows }, null, 2)}\n`,
);
const broken = rows.filter((row) => row.lost > 0 || row.doubled > 0);
process.stdout.write(
  `\n${broken.length === 0 ? "no order lost or doubled" : `${broken.length} scenario(s) lost or doubled orders`}\n`,
);
process.exit(broken.length === 0 ? 0 : 1);
