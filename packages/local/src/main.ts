/**
 * `npm start`: the whole system on this machine, offline.
 * Settings come from environment variables; see the README.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { MIN_ADMIN_TOKEN_LENGTH } from "@orders/core/domain/admin";
import { DEMO_ACCOUNTS, loadDemoData } from "./demo-data.ts";
import { PortInUseError } from "./emulators.ts";
import { parseFaultRules } from "./faults.ts";
import { repoRoot } from "./handlers.ts";
import { issuerKeyFile } from "./local-issuer.ts";
import { parseRateLimit, RateLimitSettingError } from "./rate-limit.ts";
import { startLocalSystem } from "./runtime.ts";
import { LocalTelemetry } from "./telemetry.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    "data-dir": { type: "string" },
    "in-memory": { type: "boolean", default: false },
  },
});

const env = process.env;
const port = Number(values.port ?? env.PORT ?? 3000);
const dataDirectory = values["data-dir"] ?? env.ORDERS_DATA_DIR ?? join(repoRoot, ".local-data");
const dataDir = values["in-memory"] ? undefined : dataDirectory;
const givenToken = env.ORDERS_ADMIN_TOKEN?.trim();
if (givenToken && givenToken.length < MIN_ADMIN_TOKEN_LENGTH) {
  process.stderr.write(
    `orders: ORDERS_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (or unset it, and npm start makes one)\n`,
  );
  process.exit(1);
}
const adminToken = givenToken || randomBytes(24).toString("base64url");
// Empty or unset: the manifest's throttles; anything else must be <per second>:<burst>.
let rateLimit: ReturnType<typeof parseRateLimit> | undefined;
try {
  rateLimit = env.ORDERS_RATE_LIMIT ? parseRateLimit(env.ORDERS_RATE_LIMIT) : undefined;
} catch (error) {
  if (!(error instanceof RateLimitSettingError)) throw error;
  process.stderr.write(`orders: ${error.message}\n`);
  process.exit(1);
}
const coolDownSetting = env.ORDERS_CIRCUIT_COOLDOWN_SECONDS;
if (coolDownSetting !== undefined && !/^[1-9][0-9]{0,2}$/.test(coolDownSetting)) {
  process.stderr.write(
    `orders: ORDERS_CIRCUIT_COOLDOWN_SECONDS must be whole seconds from 1 to 999, not "${coolDownSetting}"\n`,
  );
  process.exit(1);
}
const circuitCoolDownSeconds = coolDownSetting === undefined ? undefined : Number(coolDownSetting);
const time = () => new Date().toISOString().slice(11, 23);
const log = (line: string) => process.stdout.write(`${time()} ${line}\n`);

const telemetry = new LocalTelemetry();
telemetry.install();

try {
  const started = Date.now();
  const system = await startLocalSystem({
    stage: env.ORDERS_STAGE ?? "local",
    host: "127.0.0.1",
    port,
    sqsS3Port: Number(env.ORDERS_SQS_S3_PORT ?? 4566),
    dynamoPort: Number(env.ORDERS_DYNAMO_PORT ?? 8000),
    pollers: Number(env.ORDERS_POLLERS ?? 2),
    adminToken,
    faults: parseFaultRules(env.ORDERS_FAULTS ?? ""),
    faultSeed: env.ORDERS_FAULT_SEED ? Number(env.ORDERS_FAULT_SEED) : undefined,
    telemetry,
    visibilityTimeoutSeconds: env.ORDERS_VISIBILITY_TIMEOUT ? Number(env.ORDERS_VISIBILITY_TIMEOUT) : undefined,
    isolation: env.ORDERS_ISOLATION === "none" ? "none" : "workers",
    // Live reload, as sst dev gives; the test helpers and benches turn it off (nothing reloads mid-run).
    watch: env.ORDERS_WATCH !== "off",
    functionConcurrency: env.ORDERS_FUNCTION_CONCURRENCY ? Number(env.ORDERS_FUNCTION_CONCURRENCY) : undefined,
    scheduleSeconds: env.ORDERS_SCHEDULE_SECONDS ? Number(env.ORDERS_SCHEDULE_SECONDS) : undefined,
    circuitCoolDownSeconds,
    rateLimit,
    // The issuer's key stays in the data directory even in memory: npm run token signs with it.
    issuerKeyFile: issuerKeyFile(dataDirectory),
    ...(dataDir ? { dataDir } : {}),
    log,
  });
  // Before "running": the README's examples count on the demo data.
  const demo =
    env.ORDERS_DEMO_DATA === "off"
      ? undefined
      : await loadDemoData({ dynamoEndpoint: system.emulators.dynamoEndpoint, table: system.resources.table });
  log(`orders is running at ${system.url} (ready in ${Date.now() - started}ms)`);
  log(`  SQS + S3 emulator ${system.emulators.sqsS3Endpoint} · DynamoDB emulator ${system.emulators.dynamoEndpoint}`);
  log(`  data: ${dataDir ?? "in memory"} · stop with Ctrl-C`);
  log(`  DLQ console ${system.url}/console · admin token ${givenToken ? "from ORDERS_ADMIN_TOKEN" : adminToken}`);
  if (system.faults.rules.length) log(`  faults on: ${system.faults.rules.join(", ")}`);
  if (rateLimit)
    log(`  rate limit ${rateLimit.ratePerSecond}/s, burst ${rateLimit.burst}, on every route (ORDERS_RATE_LIMIT)`);
  if (demo) log(`  ${demo}`);
  if (demo) {
    for (const { accountId } of DEMO_ACCOUNTS) {
      const token = await system.issuer.mint({ kind: "customer", subject: `demo-${accountId}`, account: accountId });
      log(`  customer token for ${accountId}: ${token}`);
    }
    log("  more tokens: npm run -s token -- --account <id> | --channel <name> | --operator <name>");
  }
  // Only now: saying it is running never waits for the functions' workers.
  void system.warm().then(() => log(`every function has a warm environment (${Date.now() - started}ms)`));
  void system.liveReload.then((reloader) => {
    if (reloader)
      log(`live reload: watching the ${reloader.files} files the functions import (ORDERS_WATCH=off to stop)`);
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing batches in flight and stopping…`);
    await system.stop();
    log(`metrics: ${JSON.stringify(telemetry.counters)}`);
    log("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
} catch (error) {
  if (error instanceof PortInUseError) {
    log(
      `${error.message}. Stop whatever is using it, or choose another port (PORT, ORDERS_SQS_S3_PORT, ORDERS_DYNAMO_PORT).`,
    );
    process.exit(2);
  }
  throw error;
}
