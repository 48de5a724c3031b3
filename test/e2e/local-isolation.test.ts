import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startInProcess } from "@orders/harness/in-process-system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteSpec, ScheduleSpec, SubscriptionSpec } from "../../infra/manifest.ts";
import type { LocalSystem } from "../../packages/local/src/runtime.ts";

const FIXTURES = "test/unit/local/fixtures/handlers";
const route = (path: string, exported: string, timeoutSeconds = 5): RouteSpec => ({
  method: "GET",
  access: "public",
  path,
  handler: `${FIXTURES}.${exported}`,
  links: ["OrdersTable"],
  timeoutSeconds,
  memoryMb: 256,
});
const sweeper: ScheduleSpec = {
  name: "TestSchedule",
  handler: `${FIXTURES}.scheduled`,
  links: [],
  everyMinutes: 1,
  delivery: { retries: 0, maxEventAgeSeconds: 60, dlq: "SchedulesDlq" },
  failures: { retries: 0, dlq: "SchedulesDlq" },
  timeoutSeconds: 5,
  memoryMb: 256,
};
const failing: ScheduleSpec = {
  ...sweeper,
  name: "TestFailingSchedule",
  handler: `${FIXTURES}.failingSchedule`,
  failures: { retries: 1, dlq: "SchedulesDlq" },
};
const slowProcessor: SubscriptionSpec = {
  name: "TestBatch",
  queue: "OrdersQueue",
  handler: `${FIXTURES}.slowBatch`,
  links: [],
  batchSize: 10,
  maximumConcurrency: 2,
  timeoutSeconds: 1,
  memoryMb: 256,
};

let system: LocalSystem;
const lines: string[] = [];

beforeAll(async () => {
  system = await startInProcess("iso", {
    pollers: 1,
    scheduleSeconds: 1,
    // A batch that fails is visible again a second later.
    visibilityTimeoutSeconds: 1,
    manifest: {
      routes: [route("/slow", "slowRoute", 1), route("/crash", "crash"), route("/unlinked", "readUnlinked")],
      subscriptions: [slowProcessor],
      schedules: [sweeper, failing],
    },
    log: (line) => lines.push(line),
  });
});

afterAll(async () => {
  await system?.stop();
});

describe("the local runtime runs each function as Lambda would", () => {
  it("answers 504 when a route runs past its timeout, as API Gateway does, and serves the next request", async () => {
    // Arrange: a warm function, so that only the invocation is timed, not its cold start.
    expect((await fetch(`${system.url}/slow?ms=0`)).status).toBe(200);

    // Act
    const started = Date.now();
    const timedOut = await fetch(`${system.url}/slow?ms=3000`);
    const elapsed = Date.now() - started;
    const quick = await fetch(`${system.url}/slow?ms=0`);

    // Assert
    expect(timedOut.status).toBe(504);
    expect(await timedOut.json()).toEqual({ error: "GATEWAY_TIMEOUT", message: "Endpoint request timed out" });
    expect(elapsed).toBeLessThan(2_900);
    expect(quick.status).toBe(200);
    expect(lines.some((line) => line.includes("Task timed out after 1.00 seconds"))).toBe(true);
  });

  it("answers 500 when a function crashes, and keeps running", async () => {
    // Act
    const crashed = await fetch(`${system.url}/crash`);
    const after = await fetch(`${system.url}/slow?ms=0`);

    // Assert
    expect(crashed.status).toBe(500);
    expect(await crashed.json()).toEqual({ error: "INTERNAL", message: "Internal Server Error" });
    expect(after.status).toBe(200);
  });

  it("fails a route that reads a resource it is not linked to, with SST's error in the log", async () => {
    // Act
    const response = await fetch(`${system.url}/unlinked`);

    // Assert
    expect(response.status).toBe(500);
    expect(lines.join("\n")).toContain('"OrdersBucket" is not linked in your sst.config.ts to ApiGetUnlinked');
  });

  it("runs each schedule on its timer with an EventBridge scheduled event", async () => {
    // Act: the schedule runs every second here (ORDERS_SCHEDULE_SECONDS in npm start).
    const deadline = Date.now() + 10_000;
    while (!lines.some((line) => line.startsWith("TestSchedule scheduled run")) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Assert
    const run = lines.find((line) => line.startsWith("TestSchedule scheduled run:"));
    expect(run).toBeDefined();
    const result = JSON.parse(/run: (\{.*\}) \d+ms$/.exec(run ?? "")?.[1] ?? "{}");
    expect(result).toMatchObject({
      detailType: "Scheduled Event",
      source: "aws.events",
      resources: [expect.stringMatching(/^arn:aws:events:[a-z0-9-]+:\d{12}:rule\/TestSchedule$/)],
    });
    expect(result.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("tries a failing scheduled run once more, then keeps it in SchedulesDlq with its error, as Lambda does", async () => {
    // Arrange
    const sqs = new SQSClient({ endpoint: system.emulators.sqsS3Endpoint, useQueueUrlAsEndpoint: false });
    const receive = async () =>
      (
        await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: system.resources.schedulesDlq.url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
          }),
        )
      ).Messages ?? [];
    // Act: runs every second, each tried twice (a second apart here), then sent.
    let kept: { Body?: string }[] = [];
    const deadline = Date.now() + 15_000;
    while (kept.length === 0 && Date.now() < deadline) kept = await receive();
    // Assert
    expect(kept.length).toBeGreaterThan(0);
    const record = JSON.parse(kept[0]?.Body ?? "{}");
    expect(record).toMatchObject({
      requestContext: {
        functionArn: expect.stringMatching(/:function:TestFailingSchedule:\$LATEST$/),
        condition: "RetriesExhausted",
        approximateInvokeCount: 2,
      },
      requestPayload: { "detail-type": "Scheduled Event", source: "aws.events" },
      responsePayload: { errorType: "TypeError", errorMessage: "the table is unreachable" },
    });
    const id = record.requestPayload.id as string;
    expect(lines).toContain("TestFailingSchedule scheduled run failed (try 2 of 2): the table is unreachable");
    expect(lines).toContain("TestFailingSchedule scheduled run sent to SchedulesDlq after 2 tries");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("counts a batch past its timeout as failed: its message is not deleted, and comes back", async () => {
    // Arrange
    const sqs = new SQSClient({ endpoint: system.emulators.sqsS3Endpoint, useQueueUrlAsEndpoint: false });
    await sqs.send(new SendMessageCommand({ QueueUrl: system.resources.queue.url, MessageBody: "{}" }));

    // Act: wait for two attempts at the same message.
    const failedBatches = () => lines.filter((line) => line.startsWith("TestBatch batch of 1: 0 ok, 1 failed"));
    const deadline = Date.now() + 15_000;
    while (failedBatches().length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Assert
    expect(failedBatches().length).toBeGreaterThanOrEqual(2);
    expect(lines.some((line) => line.includes("TestBatch: Task timed out after 1.00 seconds"))).toBe(true);
  });
});
