import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FunctionSpec } from "../../../infra/manifest.ts";
import { functionEnvironment } from "../../../packages/local/src/environment.ts";
import { FaultSwitch } from "../../../packages/local/src/faults.ts";
import { WorkerPool } from "../../../packages/local/src/worker-pool.ts";

const specOf = (exported: string): FunctionSpec => ({
  handler: `test/unit/local/fixtures/handlers.${exported}`,
  links: ["OrdersTable"],
  timeoutSeconds: 10,
  memoryMb: 256,
});
const spec = specOf("compileCache");
const env = functionEnvironment(
  { name: "TestCompileCache", spec },
  {
    stage: "iso",
    endpoints: { sqsS3Endpoint: "http://127.0.0.1:1", dynamoEndpoint: "http://127.0.0.1:1" },
    resources: {
      table: "iso-table",
      bucket: "iso-bucket",
      queue: { url: "http://127.0.0.1:1/0/iso-queue", arn: "arn:aws:sqs:us-east-1:0:iso-queue" },
      dlq: { url: "http://127.0.0.1:1/0/iso-dlq", arn: "arn:aws:sqs:us-east-1:0:iso-dlq" },
      notificationsQueue: { url: "http://127.0.0.1:1/0/iso-n", arn: "arn:aws:sqs:us-east-1:0:iso-n" },
      notificationsDlq: { url: "http://127.0.0.1:1/0/iso-nd", arn: "arn:aws:sqs:us-east-1:0:iso-nd" },
      schedulesDlq: { url: "http://127.0.0.1:1/0/iso-sd", arn: "arn:aws:sqs:us-east-1:0:iso-sd" },
      topicArn: "arn:aws:sns:us-east-1:0:iso-OrderEvents",
    },
    adminToken: "t0ken",
  },
);
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

/** A pool of a fixture handler whose workers keep their compile cache in `dir` (or none). */
function aPool(compileCacheDir: string | undefined, exported = "compileCache"): WorkerPool {
  const pool = new WorkerPool({
    name: "TestCompileCache",
    spec: specOf(exported),
    env,
    size: 1,
    faults: new FaultSwitch(),
    onCalls: () => undefined,
    compileCacheDir,
  });
  cleanup.push(() => pool.stop());
  return pool;
}

function aDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), "orders-cache-test-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every file under `dir`, however deep (Node keeps one directory per Node version). */
const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());

async function eventually(check: () => boolean, ms = 10_000): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < ms; ) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

// Worker threads load TypeScript and the AWS SDK: slow on a busy shared machine.
describe("what a function's worker loads", { timeout: 60_000 }, () => {
  it("writes what it compiled to the pool's cache directory once loaded, for the workers that start after it", async () => {
    // Arrange
    const dir = aDirectory();
    const pool = aPool(dir);

    // Act
    const cacheDir = await pool.invoke({});

    // Assert
    expect(String(cacheDir)).toContain(dir);
    expect(await eventually(() => filesUnder(dir).length > 0)).toBe(true);
  });

  it("keeps no cache when the pool is given none (ORDERS_COMPILE_CACHE=off)", async () => {
    // Arrange
    const pool = aPool(undefined);

    // Act
    const cacheDir = await pool.invoke({});

    // Assert
    expect(cacheDir).toBeNull();
  });

  it("loads only the SDK clients its handler builds, as its bundle would hold: not every client the composition knows", async () => {
    // Arrange: the fixtures' module builds the S3 client only (composition/bucket.ts).
    const pool = aPool(undefined, "loadedSdkClients");

    // Act
    const loaded = await pool.invoke({});

    // Assert
    expect(loaded).toEqual(["client-s3"]);
  });
});
