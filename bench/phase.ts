/**
 * One benchmark phase in a fresh process (`node bench/phase.ts <phase> <out.json> <options>`):
 * handlers bind their clients once per process, as on Lambda, so each phase
 * that starts a system gets a process of its own.
 */
import { writeFileSync } from "node:fs";
import { LocalTelemetry } from "../packages/local/src/telemetry.ts";
import { callsPerOrder } from "./calls-per-order.ts";
import { ceiling } from "./ceiling.ts";
import { coldStart } from "./cold-start.ts";
import { endToEnd } from "./end-to-end.ts";
import { hotLedger } from "./hot-ledger.ts";
import { processorCpu } from "./processor-cpu.ts";
import { localTracingCost, tracingCost } from "./tracing-cost.ts";

const [phase, outFile, rawOptions = "{}"] = process.argv.slice(2);
const options = JSON.parse(rawOptions) as Record<string, number>;
const telemetry = new LocalTelemetry({ echo: false, streams: [process.stdout] });

async function run(): Promise<unknown> {
  switch (phase) {
    case "end-to-end":
      telemetry.install();
      return endToEnd(
        {
          orders: options.orders ?? 5000,
          concurrency: options.concurrency ?? 32,
          fixedRate: options.rate ?? 100,
          fixedSeconds: options.seconds ?? 10,
          ports: [0, 0, 0],
        },
        telemetry,
      );
    case "ceiling":
      return ceiling({ orders: options.orders ?? 5000, concurrency: options.concurrency ?? 32, consumers: 2 });
    case "calls":
      telemetry.install();
      return callsPerOrder(telemetry);
    case "processor-cpu":
      return processorCpu(options.records ?? 5000);
    case "hot-ledger":
      return hotLedger({ orders: options.hotOrders ?? 20_000, concurrency: options.hotConcurrency ?? 8 });
    case "cold-start":
      return coldStart(options.runs ?? 7);
    case "tracing-cost":
      return tracingCost(options.records ?? 2000, options.rounds ?? 3);
    case "local-tracing-cost":
      return localTracingCost(options.orders ?? 300, options.rounds ?? 2);
    default:
      throw new Error(`unknown phase ${phase}`);
  }
}

const result = await run();
telemetry.uninstall();
if (outFile) writeFileSync(outFile, JSON.stringify(result, null, 2));
process.exit(0);
