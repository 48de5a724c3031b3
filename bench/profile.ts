/**
 * `npm run bench:profile`: where the processor's CPU goes per order. Runs the
 * processor bench's handler (real SDK clients, stub HTTP handler: no emulator
 * and no mocking library is counted) under V8's sampling profiler, the one
 * `node --cpu-prof` starts, but only over the steady state: after the imports
 * and the JIT's warm-up. Writes the table to bench/results/processor-profile.md
 * and the raw profile to bench/.build/processor.cpuprofile (open it in Chrome
 * DevTools).
 *
 *   --orders N     orders profiled (default 1000)
 *   --interval N   sampling interval, µs (default 200)
 *   --bare         profile the bare loop instead, for comparison
 *   --mocked       aws-sdk-client-mock in place of the SDK's stack: our code alone
 *                  (writes bench/results/processor-profile-mocked.md)
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { round } from "@orders/harness/stats";
import { cliArgs } from "../scripts/cli/args.ts";
import { bareLoop, batchOf, LINES, mockedClients, processorUnderStub, warmUp } from "./processor-cpu.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Who owns a frame: a library, Node's built-ins, or a part of our code. */
export function ownerOf(url: string, functionName: string): string | undefined {
  if (functionName === "(garbage collector)") return "V8 garbage collector";
  if (functionName === "(program)" || functionName === "(idle)" || functionName === "(root)") return "(other)";
  if (url === "node:inspector") return "(other)"; // the profiler's own session
  const path = url.replace(/^file:\/\//, "");
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
  if (module) {
    if (module === "electrodb") return "ElectroDB";
    if (module === "zod") return "zod";
    if (module.startsWith("@aws-lambda-powertools/")) return `Powertools ${module.split("/")[1]}`;
    if (module === "@aws-sdk/lib-dynamodb" || module === "@aws-sdk/util-dynamodb")
      return "AWS SDK: document marshalling";
    if (module === "@aws-sdk/client-dynamodb" || module === "@aws-sdk/client-s3") return "AWS SDK: clients, serde";
    if (module.startsWith("@aws-sdk/") || module.startsWith("@smithy/") || module.startsWith("@aws-crypto/")) {
      return "AWS SDK: middleware, signing, core";
    }
    if (module === "sst") return "sst Resource";
    return module;
  }
  if (path.includes("/packages/core/src/adapters/")) return "ours: adapters";
  if (path.includes("/packages/core/src/domain/")) return "ours: domain";
  if (path.includes("/packages/core/src/use-cases/")) return "ours: use cases";
  if (path.includes("/packages/core/src/entities/")) return "ours: entities";
  if (path.includes("/packages/functions/src/")) return "ours: handler, composition";
  if (path.includes("/bench/")) return "bench: stub transport, loop";
  return undefined; // a built-in (JSON, crypto, promises): charged to its caller
}

export interface ProfileSummary {
  /** Sampled time, which on a shared machine includes time the thread waited for a core. */
  totalMs: number;
  /** CPU time (user + system) the process used over the same orders. */
  cpuMs: number;
  orders: number;
  /** Per owner: self time (built-ins charged to their caller) and total time (owner anywhere on the stack). */
  owners: { owner: string; selfMs: number; totalMs: number }[];
  /** The hottest functions by self time, built-ins named as such. */
  functions: { name: string; owner: string; selfMs: number }[];
}

/** Sums a V8 CPU profile by owner and by function. */
export function summarise(profile: Profile, orders: number, cpuMs: number): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Each node's owner, and the owner its built-ins are charged to.
  const own = new Map<number, string | undefined>();
  const charged = new Map<number, string>();
  const chargeOf = (id: number): string => {
    const known = charged.get(id);
    if (known) return known;
    const node = byId.get(id) as ProfileNode;
    const owner = ownerOf(node.callFrame.url, node.callFrame.functionName);
    own.set(id, owner);
    const up = parent.get(id);
    const result = owner ?? (up === undefined ? "(other)" : chargeOf(up));
    charged.set(id, result);
    return result;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const functions = new Map<string, { name: string; owner: string; selfMs: number }>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const owner = chargeOf(id);
    if (owner === "(other)") return;
    totalMs += ms;
    self.set(owner, (self.get(owner) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(chargeOf(at));
    for (const name of seen) total.set(name, (total.get(name) ?? 0) + ms);
    const frame = (byId.get(id) as ProfileNode).callFrame;
    const builtin = own.get(id) === undefined;
    const file = frame.url.includes("node_modules/")
      ? frame.url.replace(/^.*node_modules\/((?:@[^/]+\/)?[^/]+)\/.*\/([^/]+)$/, "$1 $2")
      : frame.url.replace(/^.*\/(packages|bench)\//, "$1/");
    const name = `${frame.functionName || "(anonymous)"} ${builtin ? `(built-in${frame.url ? `, ${frame.url.replace(/^node:/, "")}` : ""})` : `${file}:${frame.lineNumber + 1}`}`;
    const entry = functions.get(name) ?? { name, owner, selfMs: 0 };
    entry.selfMs += ms;
    functions.set(name, entry);
  });
  const owners = [...self.keys()]
    .filter((owner) => owner !== "(other)")
    .map((owner) => ({ owner, selfMs: self.get(owner) ?? 0, totalMs: total.get(owner) ?? 0 }))
    .sort((a, b) => b.selfMs - a.selfMs);
  return {
    totalMs,
    cpuMs,
    orders,
    owners,
    functions: [...functions.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, 20),
  };
}

/** The summary as a Markdown table. */
export function markdown(summary: ProfileSummary, heading: string): string {
  // Shares come from the samples; µs from the CPU time the process really used.
  const perOrder = (ms: number) => round(((ms / summary.totalMs) * summary.cpuMs * 1000) / summary.orders, 0);
  const percent = (ms: number) => `${round((ms / summary.totalMs) * 100, 1)}%`;
  const lines = [
    heading,
    "",
    `${summary.orders} orders, ${round(summary.cpuMs, 0)} ms of CPU (user + system) under the profiler: ${perOrder(summary.totalMs)} µs per order.`,
    "Shares are of the profile's samples; µs/order are those shares of the CPU time.",
    "Self: time in the owner's own frames, with built-ins (JSON, crypto, promises) charged to the code that called them.",
    "Total: time with the owner anywhere on the stack (so it includes what it calls, and the columns overlap).",
    "",
    "| Owner | Self µs/order | Self % | Total µs/order | Total % |",
    "|---|---:|---:|---:|---:|",
    ...summary.owners.map(
      (o) =>
        `| ${o.owner} | ${perOrder(o.selfMs)} | ${percent(o.selfMs)} | ${perOrder(o.totalMs)} | ${percent(o.totalMs)} |`,
    ),
    "",
    "Hottest functions by self time:",
    "",
    "| Function | Owner | Self µs/order | Self % |",
    "|---|---|---:|---:|",
    ...summary.functions.map(
      (f) => `| \`${f.name.replaceAll("|", "\\|")}\` | ${f.owner} | ${perOrder(f.selfMs)} | ${percent(f.selfMs)} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

/** Profiles `orders` orders through the handler (or the bare loop) after warm-up. */
export async function profileProcessor(options: { orders: number; interval: number; bare: boolean; mocked: boolean }) {
  const run = options.bare ? bareLoop() : await processorUnderStub();
  if (options.mocked) mockedClients();
  await warmUp(run);
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: options.interval });
  await session.post("Profiler.start");
  const started = process.cpuUsage();
  for (let i = 0; i < options.orders / 10; i++) await run(batchOf(i * 10));
  const used = process.cpuUsage(started);
  const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: Profile };
  session.disconnect();
  return { profile, summary: summarise(profile, options.orders, (used.user + used.system) / 1000) };
}

const USAGE = `usage: npm run bench:profile [-- options]

  --orders N     orders profiled (default 1000)
  --interval N   sampling interval, µs (default 200)
  --bare         profile the bare loop instead, for comparison
  --mocked       aws-sdk-client-mock in place of the SDK's stack: our code alone

Writes bench/results/processor-profile.md (or -mocked.md) and bench/.build/processor.cpuprofile.`;

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  orders: { type: "string", default: "1000" },
  interval: { type: "string", default: "200" },
  bare: { type: "boolean", default: false },
  mocked: { type: "boolean", default: false },
} as const;

if (import.meta.main && process.env.BENCH_PROFILE_CHILD !== "1") {
  // --help and a wrong option are answered here: the child's stdout is discarded.
  cliArgs("bench:profile", USAGE, { options: OPTIONS });
  // The handler logs a line per order at INFO, as on Lambda: the writes count,
  // a terminal's rendering of them would not, so the run's stdout is discarded.
  const child = spawnSync(process.execPath, [import.meta.filename, ...process.argv.slice(2)], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, BENCH_PROFILE_CHILD: "1", POWERTOOLS_LOG_LEVEL: "INFO" },
  });
  process.exit(child.status ?? 1);
} else if (import.meta.main) {
  const { values } = cliArgs("bench:profile", USAGE, { options: OPTIONS });
  const options = {
    orders: Number(values.orders),
    interval: Number(values.interval),
    bare: values.bare,
    mocked: values.mocked,
  };
  const { profile, summary } = await profileProcessor(options);
  const root = join(import.meta.dirname, "..");
  mkdirSync(join(root, "bench/.build"), { recursive: true });
  writeFileSync(join(root, "bench/.build/processor.cpuprofile"), JSON.stringify(profile));
  const what = options.bare ? "the bare loop" : "the OrdersProcessor handler";
  const clients = options.mocked ? "aws-sdk-client-mock clients" : "real SDK clients, stub HTTP handler";
  const text = markdown(
    summary,
    `Profile of ${what} (${clients}): valid originals of ${LINES} lines, node ${process.version}, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores at a load average of ${round(loadavg()[0] ?? 0, 1)}.`,
  );
  const file = options.mocked ? "processor-profile-mocked.md" : "processor-profile.md";
  if (!options.bare) writeFileSync(join(root, "bench/results", file), text);
  process.stderr.write(text);
  process.exit(0);
}
