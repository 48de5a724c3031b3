/**
 * What Lambda-faithful isolation costs: the local system with every function
 * in its own worker threads (the default) against every handler in one
 * process, interleaved, each run in a fresh process, medians compared.
 *
 *   node bench/isolation.ts [--orders 2000] [--requests 2000] [--repeat 3]
 *
 * Two figures per mode: orders processed per second end to end (POST, queue,
 * OrdersProcessor), and API requests per second on a route that touches no
 * emulator (GET /openapi.json), which is the invocation overhead alone.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startInProcess } from "@orders/harness/in-process-system";
import { median, pool, round } from "@orders/harness/stats";
import type { Isolation } from "../packages/local/src/invokers.ts";
import { FLOOD_RATE_LIMIT } from "../packages/local/src/rate-limit.ts";
import { LocalTelemetry } from "../packages/local/src/telemetry.ts";
import { cliArgs } from "../scripts/cli/args.ts";
import { orderMix } from "./end-to-end.ts";

export interface IsolationRun {
  isolation: Isolation;
  ordersPerSecond: number;
  requestsPerSecond: number;
}

export interface IsolationCost {
  runs: IsolationRun[];
  workers: { ordersPerSecond: number; requestsPerSecond: number };
  inProcess: { ordersPerSecond: number; requestsPerSecond: number };
  /** Isolated throughput over in-process throughput (1 = free). */
  ordersRatio: number;
  requestsRatio: number;
}

/** Submissions processed, whatever status they ended in. */
const processed = (counters: Record<string, number>) =>
  ["OrdersAccepted", "OrdersRejected", "OrdersDuplicate", "OrdersConfirmed", "OrdersFailed"].reduce(
    (sum, name) => sum + (counters[name] ?? 0),
    0,
  );

/** One measured run, in this process. */
async function measure(isolation: Isolation, orders: number, requests: number): Promise<IsolationRun> {
  const telemetry = new LocalTelemetry({ echo: false, streams: [process.stdout] });
  telemetry.install();
  const system = await startInProcess("iso", {
    pollers: 2,
    telemetry,
    isolation,
    manifest: { schedules: [] },
    // Flat out on purpose: API Gateway's throttles are not what is measured.
    rateLimit: FLOOD_RATE_LIMIT,
    log: () => undefined,
  });
  try {
    // A channel's JWT, checked by the local gateway on every request, as deployed.
    const token = await system.issuer.mint({ kind: "channel", subject: "bench" });
    const post = async (order: object) => {
      const response = await fetch(`${system.url}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(order),
      });
      await response.arrayBuffer();
      if (response.status !== 202) throw new Error(`POST /orders answered ${response.status}`);
    };
    const getOpenApi = async () => {
      const response = await fetch(`${system.url}/openapi.json`);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`GET /openapi.json answered ${response.status}`);
    };
    // Warm every environment first: cold starts are not what is measured.
    await pool(orderMix(64, `warm-${randomUUID().slice(0, 6)}`), 32, post);
    await pool([...Array(64).keys()], 16, getOpenApi);
    while (processed(telemetry.counters) < 64) await new Promise((resolve) => setTimeout(resolve, 20));

    const base = processed(telemetry.counters);
    const started = Date.now();
    await pool(orderMix(orders, `iso-${randomUUID().slice(0, 6)}`), 32, post);
    while (processed(telemetry.counters) < base + orders) await new Promise((resolve) => setTimeout(resolve, 20));
    const ordersPerSecond = orders / ((Date.now() - started) / 1000);

    const apiStarted = Date.now();
    await pool([...Array(requests).keys()], 16, getOpenApi);
    const requestsPerSecond = requests / ((Date.now() - apiStarted) / 1000);
    return { isolation, ordersPerSecond: round(ordersPerSecond), requestsPerSecond: round(requestsPerSecond) };
  } finally {
    await system.stop();
    telemetry.uninstall();
  }
}

/** Runs both modes `repeat` times, alternating, each in a fresh process. */
export function isolationCost(options: { orders: number; requests: number; repeat: number }): IsolationCost {
  const runs: IsolationRun[] = [];
  for (let i = 0; i < options.repeat; i++) {
    for (const isolation of ["workers", "none"] as const) {
      process.stderr.write(`isolation: ${isolation}, run ${i + 1} of ${options.repeat}\n`);
      const child = spawnSync(
        process.execPath,
        [
          import.meta.filename,
          "--run",
          isolation,
          "--orders",
          String(options.orders),
          "--requests",
          String(options.requests),
        ],
        {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "inherit"],
          env: { ...process.env, POWERTOOLS_LOG_LEVEL: "INFO" },
        },
      );
      const line = child.stdout.split("\n").find((text) => text.startsWith('{"isolation"'));
      if (child.status !== 0 || !line) throw new Error(`isolation run failed (exit ${child.status})`);
      runs.push(JSON.parse(line) as IsolationRun);
    }
  }
  const summary = (isolation: Isolation) => {
    const mine = runs.filter((run) => run.isolation === isolation);
    return {
      ordersPerSecond: median(mine.map((run) => run.ordersPerSecond)),
      requestsPerSecond: median(mine.map((run) => run.requestsPerSecond)),
    };
  };
  const workers = summary("workers");
  const inProcess = summary("none");
  return {
    runs,
    workers,
    inProcess,
    ordersRatio: round(workers.ordersPerSecond / inProcess.ordersPerSecond, 2),
    requestsRatio: round(workers.requestsPerSecond / inProcess.requestsPerSecond, 2),
  };
}

const USAGE = `usage: node bench/isolation.ts [options]

  --orders N     orders a run, flat out (default 2000)
  --requests N   GET /openapi.json requests a run (default 2000)
  --repeat N     pairs of runs, workers against in process (default 3)
  --run MODE     one run alone, workers or none, printed as JSON (what the pairs spawn)

Writes bench/results/isolation.json and prints the ratios.`;

if (import.meta.main) {
  const { values } = cliArgs("isolation", USAGE, {
    options: {
      help: { type: "boolean", short: "h" },
      run: { type: "string" },
      orders: { type: "string", default: "2000" },
      requests: { type: "string", default: "2000" },
      repeat: { type: "string", default: "3" },
    },
  });
  const orders = Number(values.orders);
  const requests = Number(values.requests);
  if (values.run) {
    const run = await measure(values.run === "none" ? "none" : "workers", orders, requests);
    process.stdout.write(`${JSON.stringify(run)}\n`);
    process.exit(0);
  }
  const cost = isolationCost({ orders, requests, repeat: Number(values.repeat) });
  const results = join(import.meta.dirname, "results");
  mkdirSync(results, { recursive: true });
  writeFileSync(
    join(results, "isolation.json"),
    `${JSON.stringify({ date: new Date().toISOString(), ...cost }, null, 2)}\n`,
  );
  process.stdout.write(
    `orders/s: isolated ${cost.workers.ordersPerSecond}, in process ${cost.inProcess.ordersPerSecond} (×${cost.ordersRatio})\n` +
      `API requests/s: isolated ${cost.workers.requestsPerSecond}, in process ${cost.inProcess.requestsPerSecond} (×${cost.requestsRatio})\n`,
  );
}
