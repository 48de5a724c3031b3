import { afterEach, describe, expect, it } from "vitest";
import type { FunctionSpec, LinkName } from "../../../infra/manifest.ts";
import { functionEnvironment } from "../../../packages/local/src/environment.ts";
import { FaultSwitch } from "../../../packages/local/src/faults.ts";
import type { CallCounts } from "../../../packages/local/src/sdk-instrumentation.ts";
import {
  FunctionCrashError,
  FunctionError,
  FunctionTimeoutError,
  WorkerPool,
} from "../../../packages/local/src/worker-pool.ts";

const FIXTURES = "test/unit/local/fixtures/handlers";
const resources = {
  table: "iso-table",
  bucket: "iso-bucket",
  queue: { url: "http://127.0.0.1:1/000000000000/iso-queue", arn: "arn:aws:sqs:us-east-1:000000000000:iso-queue" },
  dlq: { url: "http://127.0.0.1:1/000000000000/iso-dlq", arn: "arn:aws:sqs:us-east-1:000000000000:iso-dlq" },
  notificationsQueue: {
    url: "http://127.0.0.1:1/000000000000/iso-notifications",
    arn: "arn:aws:sqs:us-east-1:000000000000:iso-notifications",
  },
  notificationsDlq: {
    url: "http://127.0.0.1:1/000000000000/iso-notifications-dlq",
    arn: "arn:aws:sqs:us-east-1:000000000000:iso-notifications-dlq",
  },
  schedulesDlq: {
    url: "http://127.0.0.1:1/000000000000/iso-schedules-dlq",
    arn: "arn:aws:sqs:us-east-1:000000000000:iso-schedules-dlq",
  },
  topicArn: "arn:aws:sns:us-east-1:000000000000:iso-OrderEvents",
};
// Nothing listens there: a call that got past the fault switch would fail to connect, not succeed.
const endpoints = { sqsS3Endpoint: "http://127.0.0.1:1", dynamoEndpoint: "http://127.0.0.1:1" };

const pools: WorkerPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.stop()));
});

/** A pool for one fixture handler, linked to `links` only. */
function aPool(
  exported: string,
  options: {
    links?: LinkName[];
    timeoutSeconds?: number;
    size?: number;
    faults?: FaultSwitch;
    calls?: CallCounts;
    idleMs?: number;
  } = {},
): WorkerPool {
  const spec: FunctionSpec = {
    handler: `${FIXTURES}.${exported}`,
    links: options.links ?? ["OrdersTable"],
    timeoutSeconds: options.timeoutSeconds ?? 10,
    memoryMb: 256,
  };
  const name = `Test${exported[0]?.toUpperCase()}${exported.slice(1)}`;
  const calls = options.calls ?? {};
  const pool = new WorkerPool({
    name,
    spec,
    env: functionEnvironment({ name, spec }, { stage: "iso", endpoints, resources, adminToken: "t0ken" }),
    size: options.size ?? 1,
    ...(options.idleMs === undefined ? {} : { idleMs: options.idleMs }),
    faults: options.faults ?? new FaultSwitch(),
    onCalls: (counts) => {
      for (const [key, count] of Object.entries(counts)) calls[key] = (calls[key] ?? 0) + count;
    },
  });
  pools.push(pool);
  return pool;
}

// Each test starts worker threads that load TypeScript and the AWS SDK: on a
// busy shared machine that takes longer than Vitest's default five seconds.
describe("a function isolated in a worker, as on Lambda", { timeout: 60_000 }, () => {
  it("sees only its own links and the Lambda variables, nothing of the host", async () => {
    // Arrange
    process.env.HOST_ONLY_SECRET = "must-not-leak";
    const pool = aPool("environment", { links: ["OrdersQueue"] });

    // Act
    const { env } = (await pool.invoke({})) as { env: Record<string, string> };

    // Assert
    const linked = Object.keys(env).filter((key) => key.startsWith("SST_RESOURCE_"));
    expect(linked.sort()).toEqual(["SST_RESOURCE_App", "SST_RESOURCE_OrdersQueue"]);
    expect(JSON.parse(env.SST_RESOURCE_OrdersQueue ?? "{}")).toMatchObject({ url: resources.queue.url });
    expect(env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: "TestEnvironment",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256",
      AWS_REGION: expect.any(String),
      AWS_ACCESS_KEY_ID: expect.any(String),
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamoEndpoint,
    });
    expect(env.HOST_ONLY_SECRET).toBeUndefined();
    delete process.env.HOST_ONLY_SECRET;
  });

  it("fails to read a resource it is not linked to, with SST's error", async () => {
    // Arrange
    const unlinked = aPool("readUnlinked", { links: ["OrdersTable"] });
    const linked = aPool("readLinked", { links: ["OrdersTable"] });

    // Act
    const failure = await unlinked.invoke({}).catch((error: unknown) => error);

    // Assert
    expect(failure).toBeInstanceOf(FunctionError);
    expect((failure as Error).message).toBe('"OrdersBucket" is not linked in your sst.config.ts to TestReadUnlinked');
    expect(await linked.invoke({})).toBe("iso-table");
  });

  it("times out an invocation past the function's timeout, and replaces its worker", async () => {
    // Arrange
    const pool = aPool("slow", { timeoutSeconds: 1 });
    const { threadId: first } = (await pool.invoke({ ms: 0 })) as { threadId: number };

    // Act
    const started = Date.now();
    const failure = await pool.invoke({ ms: 5_000 }).catch((error: unknown) => error);
    const waited = Date.now() - started;
    const { threadId: next } = (await pool.invoke({ ms: 0 })) as { threadId: number };

    // Assert
    expect(failure).toBeInstanceOf(FunctionTimeoutError);
    expect((failure as Error).message).toBe("TestSlow: Task timed out after 1.00 seconds");
    expect(waited).toBeGreaterThanOrEqual(1_000);
    expect(waited).toBeLessThan(3_000);
    expect(next).not.toBe(first);
  });

  it("survives a crash: only the invocation that was running fails", async () => {
    // Arrange
    const crashing = aPool("crash");
    const healthy = aPool("slow");

    // Act
    const failure = await crashing.invoke({}).catch((error: unknown) => error);

    // Assert
    expect(failure).toBeInstanceOf(FunctionCrashError);
    expect((failure as Error).message).toContain("boom from a timer");
    expect(await healthy.invoke({ ms: 0 })).toMatchObject({ threadId: expect.any(Number) });
    await expect(crashing.invoke({})).rejects.toBeInstanceOf(FunctionCrashError);
  });

  it("runs one invocation at a time per environment; a pool of two runs two at once", async () => {
    // Arrange
    const single = aPool("overlap", { size: 1 });
    const double = aPool("overlap", { size: 2 });

    // Act
    const one = (await Promise.all([1, 2, 3, 4].map(() => single.invoke({})))) as { mostAtOnce: number }[];
    const two = (await Promise.all([1, 2, 3, 4].map(() => double.invoke({})))) as { threadId: number }[];

    // Assert
    expect(Math.max(...one.map((result) => result.mostAtOnce))).toBe(1);
    // Module state survives between one environment's invocations, as on a warm Lambda.
    expect(one.at(-1)).toMatchObject({ invocations: 4 });
    expect(new Set(two.map((result) => result.threadId)).size).toBe(2);
  });

  it("applies the runtime's fault rules in the worker, set before or after it started, and reports what it did", async () => {
    // Arrange
    const faults = new FaultSwitch();
    const calls: CallCounts = {};
    const pool = aPool("headBucket", { faults, calls });
    faults.set(["S3:HeadBucket"]);

    // Act
    const first = await pool.invoke({}).catch((error: unknown) => error);
    faults.set(["S3:HeadBucket@latency=1"]);
    faults.set(["S3:HeadBucket"]);
    const second = await pool.invoke({}).catch((error: unknown) => error);

    // Assert
    for (const failure of [first, second]) {
      expect(failure).toBeInstanceOf(FunctionError);
      expect(failure).toMatchObject({ errorType: "InjectedFault" });
    }
    expect(faults.stats.injected).toEqual({ "S3:HeadBucket": 2 });
    expect(calls).toEqual({ "S3:HeadBucket": 2 });
  });

  it("reclaims an environment left idle; the next invocation starts a fresh one", async () => {
    // Arrange
    const pool = aPool("overlap", { idleMs: 200 });
    const first = (await pool.invoke({})) as { threadId: number; invocations: number };

    // Act
    await new Promise((resolve) => setTimeout(resolve, 600));
    const next = (await pool.invoke({})) as { threadId: number; invocations: number };

    // Assert: a new thread, with fresh module state.
    expect(next.threadId).not.toBe(first.threadId);
    expect(next.invocations).toBe(1);
  });
});
