import { randomBytes } from "node:crypto";
import { type RunningSystem, startSystem } from "@orders/harness/local-system";
import type { Api } from "./api.ts";

export interface LocalTarget {
  api: Api;
  system: RunningSystem;
}

/**
 * Starts `npm start`'s program in memory on free ports, with a fresh admin
 * token, no demo data and, if given, the fault rules (seeded, so that a seed
 * repeats the same faults as far as timing allows).
 */
export async function startLocalTarget(faults: string | undefined, seed: number): Promise<LocalTarget> {
  const token = randomBytes(18).toString("base64url");
  const system = await startSystem(["--in-memory"], {
    ORDERS_ADMIN_TOKEN: token,
    ORDERS_DEMO_DATA: "off",
    POWERTOOLS_LOG_LEVEL: "ERROR",
    ORDERS_FAULT_SEED: String(seed),
    ...(faults ? { ORDERS_FAULTS: faults } : {}),
  });
  return { api: { url: system.url, token }, system };
}

/** What the fault switch injected: failures and duplicated calls, by `Service:Operation`. */
export async function faultStats(
  api: Api,
): Promise<{ injected: Record<string, number>; duplicated: Record<string, number> }> {
  const response = await fetch(`${api.url}/_local/faults`);
  const body = (await response.json()) as {
    stats: { injected: Record<string, number>; duplicated: Record<string, number> };
  };
  return body.stats;
}
