/**
 * `npm run bench`: every performance figure of the pipeline, each against a
 * reference measured in the same run, printed as a table and written to
 * bench/results/latest.json with a chart, bench/results/latest.svg.
 *
 *   --orders N        end-to-end orders, flat out (default 5000)
 *   --concurrency N   POSTs in flight (default 32)
 *   --rate N          the fixed offered load, orders/s (default 100), for --seconds (default 10)
 *   --repeat N        pipeline and ceiling runs, interleaved; medians are compared (default 3)
 *   --hot-orders N    orders through one merchant and one sku, for the hot-ledger figures (default 20000)
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { median, round } from "@orders/harness/stats";
import { routes, subscriptions } from "../infra/manifest.ts";
import { cliArgs } from "../scripts/cli/args.ts";
import type { CallsByOutcome } from "./calls-per-order.ts";
import { barChart } from "./chart.ts";
import {
  archiveWritesPerOrder,
  costPerMillion,
  floorPerMillion,
  INDEX_WRITES_PER_CONFIRMED_ORDER,
  type Pricing,
} from "./cost.ts";
import type { EndToEndResult } from "./end-to-end.ts";
import { firstRequests } from "./first-requests.ts";
import type { HotLedgerResult } from "./hot-ledger.ts";
import { isolationCost } from "./isolation.ts";
import { apiGatewayOverhead } from "./profile-api-gateway.ts";

const USAGE = `usage: npm run bench [-- options]

  --orders N        end-to-end orders, flat out (default 5000)
  --concurrency N   POSTs in flight (default 32)
  --rate N          the fixed offered load, orders/s (default 100), for --seconds (default 10)
  --repeat N        pipeline and ceiling runs, interleaved; medians are compared (default 3)
  --hot-orders N    orders through one merchant and one sku, for the hot-ledger figures (default 20000)

Prints the table and writes bench/results/latest.json and latest.svg.`;

const { values } = cliArgs("bench", USAGE, {
  options: {
    help: { type: "boolean", short: "h" },
    orders: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "32" },
    rate: { type: "string", default: "100" },
    seconds: { type: "string", default: "10" },
    repeat: { type: "string", default: "3" },
    "hot-orders": { type: "string", default: "20000" },
  },
});
const options = {
  orders: Number(values.orders),
  concurrency: Number(values.concurrency),
  rate: Number(values.rate),
  seconds: Number(values.seconds),
  repeat: Math.max(1, Number(values.repeat)),
  hotOrders: Math.max(1000, Number(values["hot-orders"])),
};
const root = join(import.meta.dirname, "..");
const results = join(root, "bench/results");
mkdirSync(results, { recursive: true });

function phase<T>(name: string, extra: object = {}): T {
  process.stderr.write(`\n▶ ${name}\n`);
  const out = join(results, `${name}.tmp`);
  const run = spawnSync(
    process.execPath,
    [join(root, "bench/phase.ts"), name, out, JSON.stringify({ ...options, ...extra })],
    {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: "INFO" },
    },
  );
  if (run.status !== 0) throw new Error(`bench phase ${name} failed (exit ${run.status})`);
  return JSON.parse(readFileSync(out, "utf8")) as T;
}

const started = Date.now();
// The machine is shared and noisy: pipeline and ceiling runs alternate, and
// their medians are compared, so that drift hits both alike.
const pipelineRuns: EndToEndResult[] = [];
const ceilingRuns: number[] = [];
for (let i = 0; i < options.repeat; i++) {
  pipelineRuns.push(phase<EndToEndResult>("end-to-end", i === 0 ? {} : { seconds: 0 }));
  ceilingRuns.push(phase<{ ordersPerSecond: number }>("ceiling").ordersPerSecond);
}
const [firstRun] = pipelineRuns as [EndToEndResult];
const e2e: EndToEndResult = {
  ...firstRun,
  acceptedPerSecond: median(pipelineRuns.map((run) => run.acceptedPerSecond)),
  processedPerSecond: median(pipelineRuns.map((run) => run.processedPerSecond)),
};
const ceiling = { ordersPerSecond: median(ceilingRuns) };
const calls = phase<CallsByOutcome>("calls");
const cpu = phase<{
  handlerPerSecond: number;
  barePerSecond: number;
  ratio: number;
  withMockedClients: { handlerPerSecond: number; barePerSecond: number; ratio: number };
}>("processor-cpu", {
  records: 5000,
});
const cold = phase<
  Record<
    string,
    {
      bundleKb: number;
      budgetKb: number;
      referenceKb: number;
      initMs: number;
      referenceInitMs: number;
      initRatio: number;
      tracedInitMs: number;
      tracedInitRatio: number;
      networkCallsDuringInit: number;
    }
  >
>("cold-start", { runs: 11 });
const tracing = phase<{
  untracedPerSecond: number;
  tracedPerSecond: number;
  cpuPerOrderRatio: number;
  daemon: { datagramsPerOrder: number; bytes: number };
}>("tracing-cost", { records: 2000, rounds: 3 });
const hot = phase<HotLedgerResult>("hot-ledger", { hotOrders: options.hotOrders, hotConcurrency: 8 });
process.stderr.write("\n▶ isolation\n");
const isolation = isolationCost({ orders: 1000, requests: 2000, repeat: options.repeat });
process.stderr.write("\n▶ local API adapter\n");
const apiGateway = await apiGatewayOverhead();
process.stderr.write("\n▶ first requests (npm start, each route's first and second request right after ready)\n");
const first = await firstRequests(options.repeat);

const pricing = JSON.parse(readFileSync(join(root, "bench/pricing.json"), "utf8")) as Pricing & {
  date: string;
  source: string;
};
const [processor] = subscriptions;
const submitRoute = routes.find((route) => route.method === "POST" && route.path === "/orders");
const cost = costPerMillion(
  {
    calls: calls.validOriginal,
    batchSize: processor?.batchSize ?? 10,
    apiLambda: { ms: e2e.fixedLoad.acceptP50, memoryMb: submitRoute?.memoryMb ?? 512 },
    processorLambda: { msPerOrder: 1000 / cpu.handlerPerSecond, memoryMb: processor?.memoryMb ?? 1024 },
    indexWrites: INDEX_WRITES_PER_CONFIRMED_ORDER,
    archiveWrites: archiveWritesPerOrder(calls.confirmed[1]?.lines ?? 0, true),
  },
  pricing,
);
const total = Object.values(cost).reduce((sum, value) => sum + value, 0);
const floor = floorPerMillion(pricing, processor?.batchSize ?? 10, calls.confirmed[1]?.lines ?? 0);
const dominant = Object.entries(cost).sort((a, b) => b[1] - a[1])[0];
const ratio = round(e2e.processedPerSecond / ceiling.ordersPerSecond, 2);
// Per confirmed order of k lines: its writes against 2k + 5, and its cost with ledger items of 1 KB and of 10 KB.
const confirmedOrders = calls.confirmed.map((order) => {
  const costAt = (ledgerItemKb: number) =>
    round(
      Object.values(
        costPerMillion(
          {
            calls: order.calls,
            batchSize: processor?.batchSize ?? 10,
            apiLambda: { ms: e2e.fixedLoad.acceptP50, memoryMb: submitRoute?.memoryMb ?? 512 },
            processorLambda: { msPerOrder: 1000 / cpu.handlerPerSecond, memoryMb: processor?.memoryMb ?? 1024 },
            ledgerItemKb,
            indexWrites: INDEX_WRITES_PER_CONFIRMED_ORDER,
            archiveWrites: archiveWritesPerOrder(order.lines, true),
          },
          pricing,
        ),
      ).reduce((sum, value) => sum + value, 0),
      2,
    );
  return {
    ...order,
    costPerMillion: costAt(1),
    costPerMillionAt10KbItems: costAt(10),
    floorPerMillion: round(floorPerMillion(pricing, processor?.batchSize ?? 10, order.lines), 2),
  };
});

const report = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: round(totalmem() / 2 ** 30), node: process.version },
  options,
  endToEnd: {
    ...e2e,
    ceilingOrdersPerSecond: ceiling.ordersPerSecond,
    ratioToCeiling: ratio,
    runs: { processedPerSecond: pipelineRuns.map((run) => run.processedPerSecond), ceilingPerSecond: ceilingRuns },
  },
  callsPerOrder: calls,
  confirmedOrders,
  costPerMillionValidOrders: {
    lines: Object.fromEntries(Object.entries(cost).map(([name, value]) => [name, round(value, 3)])),
    total: round(total, 2),
    floor: round(floor, 2),
    overFloorPercent: round(((total - floor) / floor) * 100, 1),
    dominant: dominant?.[0],
    pricing: { date: pricing.date, source: pricing.source },
  },
  processorCpu: cpu,
  coldStart: cold,
  tracingCost: tracing,
  hotLedger: hot,
  isolation,
  apiGateway,
  firstRequests: first,
  seconds: round((Date.now() - started) / 1000),
};
writeFileSync(join(results, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);

const goal = (ok: boolean) => (ok ? "✓" : "✗");
const rows: [string, string, string][] = [
  ["accepted (POST 202) per second", `${e2e.acceptedPerSecond}`, ""],
  [
    "processed per second (pipeline, median)",
    `${e2e.processedPerSecond}`,
    `runs ${pipelineRuns.map((r) => r.processedPerSecond).join(", ")}`,
  ],
  ["processed per second (emulator ceiling, median)", `${ceiling.ordersPerSecond}`, `runs ${ceilingRuns.join(", ")}`],
  ["pipeline / ceiling", `${ratio}`, `${goal(ratio >= 0.8)} ≥ 0.8`],
  [
    `latency at ${options.rate}/s p50 / p95 / p99 (ms)`,
    `${e2e.fixedLoad.p50} / ${e2e.fixedLoad.p95} / ${e2e.fixedLoad.p99}`,
    `${goal(e2e.fixedLoad.p99 <= 100)} p99 ≤ 100`,
  ],
  ["latency flat out p50 / p95 / p99 (ms)", `${e2e.flatOut.p50} / ${e2e.flatOut.p95} / ${e2e.flatOut.p99}`, ""],
  [
    "calls, valid original",
    Object.entries(calls.validOriginal)
      .map(([k, v]) => `${k}×${v}`)
      .join(" "),
    "",
  ],
  ...confirmedOrders.map((order): [string, string, string] => [
    `calls, confirmed order of ${order.lines} line${order.lines === 1 ? "" : "s"} (${order.status})`,
    `DynamoDB writes ${order.writes}, reads ${order.reads}; ${Object.entries(order.calls)
      .map(([k, v]) => `${k}×${v}`)
      .join(" ")}`,
    `${goal(order.writes <= order.writeGoal)} ≤ ${order.writeGoal} writes, ${goal(order.writeFirst)} no read before the first write`,
  ]),
  ...confirmedOrders.map((order): [string, string, string] => [
    `$ per million confirmed orders of ${order.lines} line${order.lines === 1 ? "" : "s"}`,
    `${order.costPerMillion} (ledger items of 10 KB: ${order.costPerMillionAt10KbItems})`,
    `floor ${order.floorPerMillion}`,
  ]),
  [
    "calls, invalid",
    Object.entries(calls.invalid)
      .map(([k, v]) => `${k}×${v}`)
      .join(" "),
    "",
  ],
  [
    "calls, duplicate",
    Object.entries(calls.duplicate)
      .map(([k, v]) => `${k}×${v}`)
      .join(" "),
    "",
  ],
  [
    "$ per million valid orders",
    `${round(total, 2)} (floor ${round(floor, 2)}, +${report.costPerMillionValidOrders.overFloorPercent}%)`,
    `${goal(total <= floor * 1.05)} ≤ +5%; dominant: ${dominant?.[0]}`,
  ],
  [
    "processor CPU: handler / bare loop (orders per CPU-second, real SDK)",
    `${cpu.handlerPerSecond} / ${cpu.barePerSecond} (${cpu.ratio}); mocked clients ${cpu.withMockedClients.handlerPerSecond} / ${cpu.withMockedClients.barePerSecond} (${cpu.withMockedClients.ratio})`,
    `${goal(cpu.ratio >= 0.5)} ≥ 0.5`,
  ],
  ["npm start: ready / first 200 of /health (ms from spawn)", `${first.readyMs} / ${first.firstHealthyMs}`, ""],
  [
    "first request per route, right after ready: median / slowest; second median (ms)",
    `${first.firstMedianMs} / ${first.firstMaxMs}; ${first.secondMedianMs}`,
    "",
  ],
  [
    "local API adapter: CPU per request / bare HTTP round trip",
    `${apiGateway.adapterUs} / ${apiGateway.bareRoundTripUs} µs (${round(apiGateway.adapterShare * 100, 1)}%)`,
    "",
  ],
  [
    "local JWT check (ES256, as API Gateway's authorizer) per request / bare HTTP round trip",
    `${apiGateway.jwtCheckUs} / ${apiGateway.bareRoundTripUs} µs (×${round(apiGateway.jwtCheckUs / apiGateway.bareRoundTripUs, 2)})`,
    "",
  ],
  [
    "local isolation: workers / in process (orders/s; API req/s)",
    `${isolation.workers.ordersPerSecond} / ${isolation.inProcess.ordersPerSecond} (×${isolation.ordersRatio}); ${isolation.workers.requestsPerSecond} / ${isolation.inProcess.requestsPerSecond} (×${isolation.requestsRatio})`,
    "",
  ],
  [
    `hot ledger: write units per order, first / last 1,000 of ${hot.orders} (one merchant, one sku)`,
    `${hot.first.writeUnitsPerOrder} / ${hot.last.writeUnitsPerOrder}`,
    `${goal(Math.abs(hot.last.writeUnitsPerOrder - hot.first.writeUnitsPerOrder) <= 0.02 * hot.first.writeUnitsPerOrder)} equal (±2%); by item: ${Object.entries(
      hot.writeUnitsPerOrderByItem,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  ],
  [
    "hot ledger: orders/s by fifth of the run",
    hot.fifths.join(" / "),
    `${goal(hot.lastFifthOverFirst >= 0.5)} last ≥ half the first (×${hot.lastFifthOverFirst}); ${hot.confirmed} of ${hot.orders} confirmed`,
  ],
  [
    "hot ledger: largest item, bytes (merchant / sku / payer)",
    `${hot.largestItemBytes.merchant} / ${hot.largestItemBytes.sku} / ${hot.largestItemBytes.payer}`,
    `${goal(Math.max(hot.largestItemBytes.merchant, hot.largestItemBytes.sku, hot.largestItemBytes.payer) <= 1024)} ≤ 1 KB: one write unit a write`,
  ],
  ...Object.entries(cold).map(([name, c]): [string, string, string] => [
    `cold start ${name}: bundle KB, init ms (reference)`,
    `${c.bundleKb} KB, ${c.initMs} ms (${c.referenceKb} KB, ${c.referenceInitMs} ms; ×${c.initRatio}); traced ${c.tracedInitMs} ms (×${c.tracedInitRatio})`,
    `${goal(c.bundleKb <= c.budgetKb)} ≤ ${c.budgetKb} KB, ${goal(c.initRatio <= 1.5)} ≤ ×1.5, network ${c.networkCallsDuringInit}`,
  ]),
  [
    "tracing: processor CPU per order, traced / untraced",
    `×${tracing.cpuPerOrderRatio} (${tracing.tracedPerSecond} / ${tracing.untracedPerSecond} orders per CPU-second; ${tracing.daemon.datagramsPerOrder} segment datagrams an order)`,
    "measured, no goal: what Powertools Tracer costs a sampled order",
  ],
];
const width = Math.max(...rows.map(([label]) => label.length));
process.stdout.write(
  `\norders benchmark (${report.machine.cpus} cores, ${report.machine.cpu}, Node ${process.version})\n\n`,
);
for (const [label, value, note] of rows)
  process.stdout.write(`${label.padEnd(width)}  ${value}${note ? `   ${note}` : ""}\n`);

writeFileSync(
  join(results, "latest.svg"),
  barChart("orders: npm run bench", [
    {
      title: "Throughput (orders/s)",
      bars: [
        { label: "pipeline, processed", value: e2e.processedPerSecond, unit: "/s" },
        { label: "emulator ceiling", value: ceiling.ordersPerSecond, unit: "/s" },
      ],
    },
    {
      title: `Latency at ${options.rate} orders/s (ms)`,
      bars: [
        { label: "p50", value: e2e.fixedLoad.p50, unit: "ms", goal: 100 },
        { label: "p95", value: e2e.fixedLoad.p95, unit: "ms", goal: 100 },
        { label: "p99", value: e2e.fixedLoad.p99, unit: "ms", goal: 100 },
      ],
    },
    {
      title: "Bundle size (KB)",
      bars: Object.entries(cold).map(([name, c]) => ({ label: name, value: c.bundleKb, unit: "KB", goal: c.budgetKb })),
    },
    {
      title: "$ per million valid orders",
      bars: [
        { label: "this pipeline", value: round(total, 2), unit: "$", goal: round(floor * 1.05, 2) },
        { label: "architecture floor", value: round(floor, 2), unit: "$" },
      ],
    },
  ]),
);
process.stdout.write(`\nwrote bench/results/latest.json and latest.svg in ${report.seconds}s\n`);
