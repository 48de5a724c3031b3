import { spawnSync } from "node:child_process";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { linkedEnvironment } from "@orders/harness/linked-resources";
import { median, round } from "@orders/harness/stats";
import { build } from "esbuild";
import { runtime } from "../infra/manifest.ts";

const root = join(import.meta.dirname, "..");
const out = join(root, "bench/.build");

/**
 * Bundled with the options SST's Node builder uses (pkg/runtime/node/build.go):
 * ESM, ES2024 for nodejs24.x, keepNames, main fields module then main, its
 * `require` banner; plus `minify` and `external` as infra/manifest.ts sets
 * them for every function: minified, and the AWS SDK v3 bundled (nothing is
 * left to the Lambda runtime's copy).
 */
async function bundle(name: string, entry: string): Promise<string> {
  const outfile = join(out, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "es2024",
    keepNames: true,
    mainFields: ["module", "main"],
    minify: runtime.nodejs.minify,
    external: [...runtime.nodejs.esbuild.external],
    logLevel: "silent",
    banner: {
      js: "import { createRequire as topLevelCreateRequire } from 'module'; const require = topLevelCreateRequire(import.meta.url);",
    },
  });
  return outfile;
}

/**
 * Budgets from the bundles measured on 2026-12-01 with the SDK bundled
 * (488, 871 and 933 KB), plus about 10% headroom: a budget that trips is a
 * dependency or an SDK client that came in unnoticed. Each reference bundles
 * the SDK clients its handler uses (submit: SQS, and DynamoDB for the
 * idempotency records). Tracing (2026-12-05) adds Powertools Tracer and the
 * X-Ray SDK to every bundle, about 100 KB minified (292 KB of sources): each
 * budget grew by 110 KB. Since 2026-12-06 get and the Notifier bundle no
 * ElectroDB (719 and 640 KB): their budgets are those plus about 10%, so that
 * ElectroDB coming back trips them.
 */
const HANDLERS = {
  submit: { file: "packages/functions/src/api/submit-order.ts", clients: ["sqs", "dynamodb"], budgetKb: 650 },
  get: { file: "packages/functions/src/api/get-order.ts", clients: ["dynamo", "s3"], budgetKb: 790 },
  processor: {
    file: "packages/functions/src/queue/process-orders.ts",
    // SNS since order events (2026-12-02): the processor publishes each order's outcome.
    clients: ["dynamo", "s3", "sqs", "sns"],
    budgetKb: 1140,
  },
  notifier: {
    file: "packages/functions/src/queue/deliver-notifications.ts",
    clients: ["dynamo", "sqs"],
    budgetKb: 710,
  },
} as const;

const CLIENT_SOURCE = {
  dynamodb: `import { DynamoDBClient } from "@aws-sdk/client-dynamodb"; globalThis.r = new DynamoDBClient({});`,
  dynamo: `import { DynamoDBClient } from "@aws-sdk/client-dynamodb"; import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb"; globalThis.d = DynamoDBDocumentClient.from(new DynamoDBClient({}));`,
  s3: `import { S3Client } from "@aws-sdk/client-s3"; import { getSignedUrl } from "@aws-sdk/s3-request-presigner"; globalThis.s = [new S3Client({}), getSignedUrl];`,
  sqs: `import { SQSClient } from "@aws-sdk/client-sqs"; globalThis.q = new SQSClient({});`,
  sns: `import { SNSClient } from "@aws-sdk/client-sns"; globalThis.n = new SNSClient({});`,
} as const;

const ENV = linkedEnvironment();

// Loaded before the bundle: any socket opened or name looked up during init is counted.
const GUARD = `import net from "node:net"; import dns from "node:dns";
globalThis.__network = 0;
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...a) { globalThis.__network++; return connect.apply(this, a); };
const lookup = dns.lookup; dns.lookup = function (...a) { globalThis.__network++; return lookup.apply(this, a); };`;

/**
 * CPU time to import and initialise a bundle in a fresh Node process (init is
 * CPU work; on a shared machine wall time also counts time stolen by others),
 * and the network calls it made.
 */
function initOnce(file: string, env: Record<string, string> = {}): { ms: number; network: number } {
  const script = `const c = process.cpuUsage(); await import(${JSON.stringify(`file://${file}`)}); const u = process.cpuUsage(c); await new Promise((r) => setTimeout(r, 50)); console.log(JSON.stringify({ ms: (u.user + u.system) / 1000, network: globalThis.__network }));`;
  const result = spawnSync(
    process.execPath,
    ["--import", `data:text/javascript,${encodeURIComponent(GUARD)}`, "--input-type=module", "-e", script],
    { env: { ...process.env, ...ENV, POWERTOOLS_LOG_LEVEL: "SILENT", ...env }, encoding: "utf8" },
  );
  return JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}") as { ms: number; network: number };
}

/**
 * What Lambda with active tracing sets, and what loads Powertools Tracer
 * (composition/tracing.ts): without it, as in the local runtime and in
 * `initOnce`'s default, the tracer is never imported.
 */
const TRACING_ON = {
  AWS_EXECUTION_ENV: "AWS_Lambda_nodejs24.x",
  LAMBDA_TASK_ROOT: "/var/task",
  POWERTOOLS_TRACE_ENABLED: "true",
  _X_AMZN_TRACE_ID: "Root=1-675193f0-0123456789abcdef01234567;Parent=89abcdef01234567;Sampled=1",
};

/**
 * Median init times of a handler (tracing off, then on) and its reference,
 * measured alternately so that the machine's drift touches all three alike.
 */
function initTimes(handlerFile: string, referenceFile: string, runs: number) {
  const handler: number[] = [];
  const traced: number[] = [];
  const reference: number[] = [];
  let networkCalls = 0;
  for (let i = 0; i < runs; i++) {
    const own = initOnce(handlerFile);
    handler.push(own.ms);
    networkCalls = Math.max(networkCalls, own.network);
    reference.push(initOnce(referenceFile).ms);
    const tracing = initOnce(handlerFile, TRACING_ON);
    traced.push(tracing.ms);
    networkCalls = Math.max(networkCalls, tracing.network);
  }
  return {
    handlerMs: round(median(handler)),
    tracedMs: round(median(traced)),
    referenceMs: round(median(reference)),
    networkCalls,
  };
}

export async function coldStart(runs: number) {
  mkdirSync(out, { recursive: true });
  const results: Record<string, object> = {};
  for (const [name, spec] of Object.entries(HANDLERS)) {
    const handlerFile = await bundle(name, join(root, spec.file));
    const referenceEntry = join(out, `${name}-reference.ts`);
    writeFileSync(referenceEntry, spec.clients.map((client) => CLIENT_SOURCE[client]).join("\n"));
    const referenceFile = await bundle(`${name}-reference`, referenceEntry);
    const init = initTimes(handlerFile, referenceFile, runs);
    results[name] = {
      bundleKb: round(statSync(handlerFile).size / 1024),
      budgetKb: spec.budgetKb,
      referenceKb: round(statSync(referenceFile).size / 1024),
      initMs: init.handlerMs,
      referenceInitMs: init.referenceMs,
      initRatio: round(init.handlerMs / init.referenceMs, 2),
      // Deployed with active tracing: the same bundle with Powertools Tracer loaded and the clients captured.
      tracedInitMs: init.tracedMs,
      tracedInitRatio: round(init.tracedMs / init.referenceMs, 2),
      networkCallsDuringInit: init.networkCalls,
    };
  }
  return results;
}
