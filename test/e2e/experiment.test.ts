import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { effectProblems } from "../../scripts/experiment/check-effects.ts";
import { replayConfirmed, shortfallProblems } from "../../scripts/experiment/check-shortfall.ts";
import type { Confirmed, Outcome } from "../../scripts/experiment/facts.ts";
import type { ExperimentResult } from "../../scripts/experiment/run-experiment.ts";
import type { OrderLookup, PlannedOrder } from "../../scripts/experiment/types.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "experiment-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run experiment, at small scale against the local system", () => {
  it("fires 200 orders of every kind, waits until all are terminal, and every check passes", async () => {
    // Arrange
    const output = join(dir, "experiment.json");

    // Act: the script itself, as `npm run experiment` runs it
    const { stdout } = await run(
      process.execPath,
      ["scripts/experiment.ts", "--orders", "200", "--seed", "7", "--timeout", "150", "--output", output],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
    ).catch((error: { stdout?: string; stderr?: string; code?: number }) => {
      throw new Error(`the experiment exited with ${error.code}:\n${error.stdout}\n${error.stderr}`);
    });

    // Assert
    const result = JSON.parse(readFileSync(output, "utf8")) as ExperimentResult;
    expect(result.checks.filter((check) => !check.pass)).toEqual([]);
    expect(stdout).toContain("every check passed");
    expect(result.submissions).toMatchObject({ sent: 200, accepted: 200, refused: 0 });
    expect(result.submissions.duplicatedIds).toBeGreaterThan(0);
    for (const outcome of ["CONFIRMED", "OUT_OF_STOCK", "INSUFFICIENT_FUNDS", "UNKNOWN_ACCOUNT", "REJECTED"])
      expect(result.outcomes.all?.[outcome], outcome).toBeGreaterThan(0);
    // The hot skus really ran short: some contended orders were refused.
    expect(result.outcomes.contended?.OUT_OF_STOCK).toBeGreaterThan(0);
  }, 240_000);
});

const planned = (lines: [string, number][], id = "xp-1"): PlannedOrder => ({
  id,
  category: "contended",
  payer: "81",
  payee: "82",
  lines: lines.map(([sku, quantity]) => ({ sku, quantity, unitPriceCents: 100 })),
  amountCents: lines.reduce((sum, [, quantity]) => sum + quantity * 100, 0),
});

const viewOf = (order: PlannedOrder, fields: Partial<OrderLookup> & { failure?: unknown }): OrderLookup => ({
  order: {
    id: order.id,
    submissionId: "s-1",
    status: fields.failure ? "FAILED" : "CONFIRMED",
    valid: true,
    isDuplicate: false,
    errors: [],
    ...(fields.failure ? { failure: fields.failure as { code: string; message: string; details: unknown } } : {}),
    receivedAt: "2026-01-01T00:00:10.000Z",
    processedAt: "2026-01-01T00:00:11.000Z",
  },
  duplicates: [],
  ...fields,
});

describe("the experiment's checks catch what they claim to", () => {
  it("the replay flags a confirmed order that took a sku below zero", () => {
    const order = planned([["H", 3]]);
    const confirmed = [1, 2].map((n) => ({ order: { ...order, id: `xp-${n}` } }) as Confirmed);
    expect(replayConfirmed(new Map([["H", 5]]), confirmed).overdrawn).toEqual([
      "xp-2: confirmed H ×3, the replay leaves -1",
    ]);
  });

  it("OUT_OF_STOCK details are checked: not short, more than could be left, a certain shortfall not listed", () => {
    const order = planned([
      ["H", 2],
      ["G", 9],
    ]);
    const failure = (details: unknown) => ({ code: "OUT_OF_STOCK", message: "", details });
    const outcome = (details: unknown): Outcome => ({
      order,
      outcome: "OUT_OF_STOCK",
      view: viewOf(order, { failure: failure(details), reservations: [] }),
    });
    const initial = new Map([
      ["H", 10],
      ["G", 5],
    ]);
    const demand = new Map([
      ["H", 50],
      ["G", 50],
    ]);
    // 8 units of H were committed before the order came in: at most 2 can have been available.
    const committedBefore = (sku: string) => (sku === "H" ? 8 : 0);
    const check = (details: unknown) => shortfallProblems(outcome(details), initial, demand, committedBefore, 0);

    expect(check([{ sku: "G", requested: 9, available: 5 }])).toEqual([]);
    expect(check([{ sku: "H", requested: 2, available: 2 }]).join()).toContain("not short");
    expect(check([{ sku: "H", requested: 2, available: 1 }]).join()).toContain("G: ×9 exceeds the initial 5");
    expect(check([{ sku: "G", requested: 9, available: 6 }]).join()).toContain("available 6 > at most 5");
  });

  it("a confirmed order whose payment was voided, or a failed one that kept stock, is an effect out of place", () => {
    const order = planned([["H", 1]]);
    const confirmed: Outcome = {
      order,
      outcome: "CONFIRMED",
      view: viewOf(order, {
        payment: { status: "VOIDED", amount: 1 },
        reservations: [{ sku: "H", quantity: 1, status: "COMMITTED" }],
      }),
    };
    const failed: Outcome = {
      order,
      outcome: "OUT_OF_STOCK",
      view: viewOf(order, { reservations: [{ sku: "H", quantity: 1, status: "COMMITTED" }] }),
    };
    expect(effectProblems(confirmed).join()).toContain("expected POSTED 100¢");
    expect(effectProblems(failed).join()).toContain("reservations");
  });
});
