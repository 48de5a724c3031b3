/**
 * `node bench/first-requests.ts [--repeat N] [--delay S]`: how soon the real
 * `npm start` is ready, and how each route's first request compares with its second.
 *
 * Each run spawns `npm start`'s program (in memory, demo data on, live reload
 * off so that nothing reloads mid-run), waits for "orders is running" (and
 * then `--delay` seconds, as a person reading the banner would), and sends
 * GET /health, then every route of the manifest its first request, then its second,
 * one at a time, as the admin (an operator). Paths take a fresh id, bodies are
 * `{}`: a 400 or 404 from the handler still runs the function, and it is the
 * function's environment that the first request may wait for. Figures are the
 * medians over the runs, in milliseconds from the spawn or per request.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { spawnSystem } from "@orders/harness/local-system";
import { median, round } from "@orders/harness/stats";
import { routes } from "../infra/manifest.ts";
import { cliArgs } from "../scripts/cli/args.ts";

export interface FirstRequestsResult {
  /** From the spawn to "orders is running". */
  readyMs: number;
  /** From the spawn to the first 200 of GET /health, sent as soon as the system is ready (and the delay past). */
  firstHealthyMs: number;
  /** Over every route: the median and the slowest first request, and the median second. */
  firstMedianMs: number;
  firstMaxMs: number;
  secondMedianMs: number;
  /** Per route (`METHOD /path`): its first and second request. */
  routes: Record<string, { firstMs: number; secondMs: number }>;
  runs: number;
}

async function timed(url: string, init: RequestInit): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status };
}

async function oneRun(delayMs: number): Promise<Omit<FirstRequestsResult, "runs">> {
  const adminToken = randomBytes(24).toString("base64url");
  const spawned = performance.now();
  const system = await spawnSystem(["--in-memory"], { ORDERS_ADMIN_TOKEN: adminToken, ORDERS_WATCH: "off" });
  const child = system.process;
  let output = "";
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready in 60 s:\n${output}`)), 60_000);
      child.stdout.on("data", (chunk) => {
        output += chunk;
        if (output.includes("orders is running")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr.on("data", (chunk) => {
        output += chunk;
      });
      child.once("exit", (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    const readyMs = performance.now() - spawned;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const headers = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
    const health = await timed(`${system.url}/health`, { headers });
    const firstHealthyMs = performance.now() - spawned;
    if (health.status !== 200) throw new Error(`GET /health answered ${health.status}`);
    const requests = routes.map((route) => {
      const path = route.path.replace(/\{[^}]+\}/g, () => `bench-${randomUUID().slice(0, 8)}`);
      const init: RequestInit = { method: route.method, headers, ...(route.method === "GET" ? {} : { body: "{}" }) };
      return { key: `${route.method} ${route.path}`, url: `${system.url}${path}`, init };
    });
    const firsts = new Map<string, number>([["GET /health", health.ms]]);
    for (const request of requests) {
      if (!firsts.has(request.key)) firsts.set(request.key, (await timed(request.url, request.init)).ms);
    }
    const perRoute: Record<string, { firstMs: number; secondMs: number }> = {};
    for (const request of requests) {
      const second = await timed(request.url, request.init);
      perRoute[request.key] = { firstMs: round(firsts.get(request.key) ?? 0), secondMs: round(second.ms) };
    }
    const firstAll = Object.values(perRoute).map((route) => route.firstMs);
    return {
      readyMs: round(readyMs),
      firstHealthyMs: round(firstHealthyMs),
      firstMedianMs: median(firstAll),
      firstMaxMs: Math.max(...firstAll),
      secondMedianMs: median(Object.values(perRoute).map((route) => route.secondMs)),
      routes: perRoute,
    };
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    await exited;
  }
}

/** Runs `repeat` fresh systems and keeps the median of every figure. */
export async function firstRequests(repeat: number, delayMs = 0): Promise<FirstRequestsResult> {
  const runs: Omit<FirstRequestsResult, "runs">[] = [];
  for (let i = 0; i < repeat; i++) runs.push(await oneRun(delayMs));
  const mid = (pick: (run: Omit<FirstRequestsResult, "runs">) => number) => median(runs.map(pick));
  const keys = Object.keys(runs[0]?.routes ?? {});
  return {
    readyMs: mid((run) => run.readyMs),
    firstHealthyMs: mid((run) => run.firstHealthyMs),
    firstMedianMs: mid((run) => run.firstMedianMs),
    firstMaxMs: mid((run) => run.firstMaxMs),
    secondMedianMs: mid((run) => run.secondMedianMs),
    routes: Object.fromEntries(
      keys.map((key) => [
        key,
        {
          firstMs: mid((run) => run.routes[key]?.firstMs ?? 0),
          secondMs: mid((run) => run.routes[key]?.secondMs ?? 0),
        },
      ]),
    ),
    runs: runs.length,
  };
}

const USAGE = `usage: node bench/first-requests.ts [options]

  --repeat N   runs of npm start, medians over them (default 3)
  --delay S    seconds to wait after "orders is running" before the first requests (default 0)

Prints the figures as JSON (also a phase of npm run bench).`;

if (import.meta.main) {
  const { values } = cliArgs("first-requests", USAGE, {
    options: {
      help: { type: "boolean", short: "h" },
      repeat: { type: "string", default: "3" },
      delay: { type: "string", default: "0" },
    },
  });
  const result = await firstRequests(Math.max(1, Number(values.repeat)), Number(values.delay) * 1000);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
