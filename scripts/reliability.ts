/**
 * `npm run test:reliability [-- --orders N] [-- --only name[,name…]] [-- --kills N] [-- --repeat N]`:
 * the reliability scenarios at scale (10,000 orders each by default), `--repeat` times over, each
 * with skus and funded accounts set up first and orders that carry items; one
 * table row per scenario, written to bench/results/reliability.json too.
 * Exits non-zero if any order was lost or doubled, or left not terminal, or
 * any unit oversold, any cent created or destroyed, anything left reserved or
 * held, or stock and balances differ from a replay of the confirmed orders,
 * or (in the cancel race) an order's end contradicts its cancellations' answers.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { broken, type Figures } from "@orders/harness/reliability/harness";
import { repeatedKills, scenarios } from "@orders/harness/reliability/scenarios";
import { cliArgs } from "./cli/args.ts";

const USAGE = `usage: npm run test:reliability [-- --orders N] [--only name[,name…]] [--kills N] [--repeat N]

  --orders N    orders per scenario (default 10000)
  --only LIST   some scenarios: ${Object.keys(scenarios).join(", ")}
  --kills N     SIGKILLs in repeatedKills (default 4)
  --repeat N    run the chosen scenarios N times over (default 1)

Writes bench/results/reliability.json; exits 1 if any invariant broke in any run.`;

const { values } = cliArgs("test:reliability", USAGE, {
  options: {
    help: { type: "boolean", short: "h" },
    orders: { type: "string", default: "10000" },
    only: { type: "string" },
    kills: { type: "string", default: "4" },
    repeat: { type: "string", default: "1" },
  },
});
const orders = Number(values.orders);
const kills = Number(values.kills);
const repeat = Number(values.repeat);
const unknown = (values.only ?? "").split(",").filter((name) => name && !(name in scenarios));
if (unknown.length > 0) {
  process.stderr.write(`test:reliability: no scenario ${unknown.join(", ")}\n\n${USAGE}\n`);
  process.exit(2);
}
if (!Number.isInteger(repeat) || repeat < 1)
  throw new Error(`--repeat must be a whole number ≥ 1, not ${values.repeat}`);

type Column = [header: string, cell: (row: Figures) => string];
/** A figure as a column; one only some scenarios have (an optional field of Figures) shows "—" where absent. */
const figure = (name: { [K in keyof Figures]-?: Figures[K] extends number | undefined ? K : never }[keyof Figures]) =>
  [name, (row: Figures) => (row[name] === undefined ? "—" : String(row[name]))] satisfies Column;
const columns: Column[] = [
  ["scenario", (row) => row.scenario],
  ...(
    [
      "submitted",
      "accepted",
      "recorded",
      "inDlq",
      "redriven",
      "lost",
      "doubled",
      "duplicateDeliveries",
      "confirmed",
      "failed",
      "cancelled",
      "notTerminal",
      "oversold",
      "moneyDelta",
    ] as const
  ).map(figure),
  ["heldAfterTerminal", (row) => `${row.heldUnits} units / ${row.heldCents} cents`],
  figure("effectDrift"),
  figure("auditFindings"),
  figure("auditDisagrees"),
  // Scenario-specific invariants: add a column here for each one added to MUST_BE_ZERO.
  figure("cancelMismatches"),
  figure("notificationsLost"),
  figure("notificationsNotDelivered"),
  figure("notificationsSentTwice"),
  figure("webhookPostsWhileDown"),
  figure("itemsOver4Kb"),
  figure("slowedDown"),
  figure("seconds"),
];

/** The cancel race's own figures, printed under the table. */
function describeCancels(row: Figures): string | undefined {
  const c = row.cancels;
  if (!c) return undefined;
  return (
    `${row.scenario}: cancellations fired at ${c.targeted} orders (${c.twice} of them twice at once), ` +
    `${c.requests} POSTs; final answers 202 ×${c.answered202}, 200 ×${c.answered200}, 409 ×${c.answered409}, ` +
    `5xx ×${c.unknown}; ${c.answered404} answered 404 first (${c.gaveUp404} of them still 404 once the queue was ` +
    `empty); ${c.sentPending} sent right after the order was read PENDING, ${c.sentConfirmed} CONFIRMED; ` +
    `${c.cancelled} orders ended CANCELLED: ${c.refunded} refunded, ${c.compensated} compensated before the ` +
    `payment, ${c.cancelledAfterConfirmed} of them seen CONFIRMED first; ${c.refundsBlocked} refunds ` +
    "blocked (REFUND_BLOCKED), topped up and redriven"
  );
}

const rows: Figures[] = [];
for (let round = 1; round <= repeat; round++) {
  for (const [name, run] of Object.entries(scenarios)) {
    if (values.only && !values.only.split(",").includes(name)) continue;
    process.stderr.write(`▶ ${name} (${orders} orders, run ${round} of ${repeat}) ${new Date().toISOString()}\n`);
    const row = name === "repeatedKills" ? await repeatedKills(orders, kills) : await run(orders);
    if (repeat > 1) row.scenario = `${row.scenario} [run ${round}]`;
    process.stderr.write(`  ${JSON.stringify(row)}\n`);
    rows.push(row);
  }
}

const table = [columns.map(([header]) => header), ...rows.map((row) => columns.map(([, cell]) => cell(row)))];
const widths = columns.map((_, i) => Math.max(...table.map((cells) => (cells[i] ?? "").length)));
const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" | ")} |`;
const [header = [], ...body] = table;
process.stdout.write(`\n${line(header)}\n${line(widths.map((w) => "-".repeat(w)))}\n`);
for (const cells of body) process.stdout.write(`${line(cells)}\n`);
for (const row of rows) {
  const cancels = describeCancels(row);
  if (cancels) process.stdout.write(`${cancels}\n`);
  if (row.notes) process.stdout.write(`${row.scenario}: ${row.notes}\n`);
}

mkdirSync("bench/results", { recursive: true });
writeFileSync(
  "bench/results/reliability.json",
  `${JSON.stringify({ date: new Date().toISOString(), orders, kills, repeat, rows }, null, 2)}\n`,
);
const failing = rows.map((row) => ({ row, broken: broken(row) })).filter((entry) => entry.broken.length > 0);
for (const { row, broken: names } of failing) process.stdout.write(`✗ ${row.scenario}: ${names.join(", ")}\n`);
process.stdout.write(
  `\n${failing.length === 0 ? "every invariant held" : `${failing.length} scenario(s) broke an invariant`}\n`,
);
process.exit(failing.length === 0 ? 0 : 1);
