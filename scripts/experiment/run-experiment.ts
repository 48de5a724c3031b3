import { randomInt } from "node:crypto";
import type { Api } from "./api.ts";
import { checkDuplicatedEffects, checkHeld } from "./check-effects.ts";
import { checkMoney } from "./check-money.ts";
import { checkOutcomes, outcomeMatrix } from "./check-outcomes.ts";
import { checkShortfalls } from "./check-shortfall.ts";
import { checkOversold } from "./check-stock.ts";
import { confirmedInOrder, outcomes } from "./facts.ts";
import { fire } from "./fire.ts";
import { faultStats, startLocalTarget } from "./local-system.ts";
import type { ExperimentOptions } from "./options.ts";
import { buildPlan } from "./plan.ts";
import { startSampler } from "./sampler.ts";
import { settle } from "./settle.ts";
import { setUp } from "./setup.ts";
import { snapshot } from "./snapshot.ts";
import type { CheckRow, Plan, Snapshot } from "./types.ts";

export interface ExperimentResult {
  date: string;
  target: string;
  options: Omit<ExperimentOptions, "token" | "output">;
  runId: string;
  pass: boolean;
  checks: CheckRow[];
  /** Outcome counts per category, and overall under `all`. */
  outcomes: Record<string, Record<string, number>>;
  submissions: { sent: number; accepted: number; refused: number; duplicatedIds: number };
  seconds: { total: number; setup: number; fire: number; settle: number; verify: number };
  firedPerSecond: number;
  dlq: { redriven: number; redriveCalls: number };
  faults?: { rules: string; injected: Record<string, number>; duplicated: Record<string, number> };
  skus: { sku: string; kind: string; initialOnHand: number; finalOnHand: number; finalReserved: number }[];
  samples: number;
}

/** How far apart a deployed stage's clocks (API function, processor) may be, for the shortfall bound. */
const DEPLOYED_CLOCK_SKEW_MS = 1000;

/** Calls `report` only when the share done crosses a tenth. */
function everyTenth(report: (done: number, total: number) => void) {
  let last = -1;
  return (done: number, total: number) => {
    const tenth = Math.floor((10 * done) / Math.max(1, total));
    if (tenth !== last) report(done, total);
    last = tenth;
  };
}

const secondsSince = (t: number) => Math.round((Date.now() - t) / 100) / 10;

function skuTable(plan: Plan, initial: Snapshot, final: Snapshot): ExperimentResult["skus"] {
  return plan.skus.map(({ sku, kind }) => ({
    sku,
    kind,
    initialOnHand: initial.stock.get(sku)?.onHand ?? 0,
    finalOnHand: final.stock.get(sku)?.onHand ?? 0,
    finalReserved: final.stock.get(sku)?.reserved ?? 0,
  }));
}

/**
 * The experiment: set up the run's skus and accounts, fire the mix of orders
 * concurrently while sampling the stock and accounts, wait until every order
 * is terminal (redriving the DLQ), read the end state, and check it. Starts
 * (and stops) a local system unless `options.url` names a deployed stage.
 */
export async function runExperiment(
  options: ExperimentOptions,
  log: (line: string) => void = () => {},
): Promise<ExperimentResult> {
  const started = Date.now();
  const local = options.url ? undefined : await startLocalTarget(options.faults, options.seed);
  const api: Api = local?.api ?? { url: options.url as string, token: options.token as string };
  try {
    const runDigits = `${String(Date.now() % 1e10).padStart(10, "0")}${String(randomInt(100)).padStart(2, "0")}`;
    const plan = buildPlan({ orders: options.orders, seed: options.seed, runDigits });
    const skus = plan.skus.map((s) => s.sku);
    const accountIds = plan.accounts.map((a) => a.accountId);
    log(
      `run ${plan.runId} against ${local ? `a local system at ${api.url}` : api.url}${options.faults ? ` with faults ${options.faults}` : ""}`,
    );

    let phase = Date.now();
    await setUp(api, plan);
    const initial = await snapshot(api, skus, accountIds);
    const setupSeconds = secondsSince(phase);
    log(`set up ${skus.length} skus and ${accountIds.length} accounts in ${setupSeconds} s`);

    phase = Date.now();
    const sampler = startSampler(api, plan);
    const fired = await fire(api, plan.submissions, options.concurrency);
    log(
      `fired ${plan.submissions.length} submissions in ${fired.seconds.toFixed(1)} s (${fired.refused.length} refused)`,
    );
    const settled = await settle(api, fired.accepted, {
      timeoutSeconds: options.timeoutSeconds,
      concurrency: options.concurrency,
      onProgress: everyTenth((done, total) => log(`  terminal: ${done}/${total}`)),
    });
    const samples = await sampler.stop();
    const fireSeconds = fired.seconds;
    const settleSeconds = settled.seconds;
    log(`settled in ${settleSeconds.toFixed(1)} s; ${settled.redriven} redriven from the DLQ`);

    phase = Date.now();
    const final = await snapshot(api, skus, accountIds);
    const all = outcomes(plan, settled.views);
    const confirmed = confirmedInOrder(all);
    const checks = [
      ...checkOutcomes(plan, fired, all, settled.unsettled),
      ...checkShortfalls({ plan, initial, final, all, confirmed, clockSkewMs: local ? 0 : DEPLOYED_CLOCK_SKEW_MS }),
      ...checkOversold(plan, initial, final, confirmed, samples),
      ...checkMoney(plan, initial, final, all, confirmed, samples),
      checkHeld(plan, final, all),
      ...checkDuplicatedEffects(plan, fired, initial, final, all, confirmed),
    ];
    const faults = local && options.faults ? { rules: options.faults, ...(await faultStats(api)) } : undefined;
    const { token: _token, output: _output, ...shown } = options;
    return {
      date: new Date().toISOString(),
      target: local ? "local (in memory)" : api.url,
      options: shown,
      runId: plan.runId,
      pass: checks.every((c) => c.pass),
      checks,
      outcomes: outcomeMatrix(all),
      submissions: {
        sent: plan.submissions.length,
        accepted: [...fired.accepted.values()].reduce((n, ids) => n + ids.length, 0),
        refused: fired.refused.length,
        duplicatedIds: [...fired.accepted.values()].filter((ids) => ids.length > 1).length,
      },
      seconds: {
        total: secondsSince(started),
        setup: setupSeconds,
        fire: Math.round(fireSeconds * 10) / 10,
        settle: Math.round(settleSeconds * 10) / 10,
        verify: secondsSince(phase),
      },
      firedPerSecond: Math.round(plan.submissions.length / fireSeconds),
      dlq: { redriven: settled.redriven, redriveCalls: settled.redriveCalls },
      ...(faults ? { faults } : {}),
      skus: skuTable(plan, initial, final),
      samples: samples.taken,
    };
  } finally {
    await local?.system.stop();
  }
}
