import type { ScheduledEvent } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { schedules } from "../../../infra/manifest.ts";
import type { failedRunRecord } from "../../../packages/local/src/failed-run.ts";
import { retryDelayMs, Scheduler } from "../../../packages/local/src/scheduler.ts";

type Record = ReturnType<typeof failedRunRecord>;
const INTERVAL_MS = 1_000;
const spec = schedules[0] as (typeof schedules)[number];

/** A scheduled function whose runs fail while `failing(tryOfThisRun)` says so; every try and dead letter kept. */
function aSchedule(retries: number, failing: (tries: number) => boolean) {
  const tries = new Map<string, number>();
  const deadLetters: Record[] = [];
  const scheduled = {
    fn: { name: "Sweeper", spec },
    intervalMs: INTERVAL_MS,
    retries,
    invoker: {
      invoke: async (event: unknown) => {
        const { id } = event as ScheduledEvent;
        const n = (tries.get(id) ?? 0) + 1;
        tries.set(id, n);
        if (failing(n)) throw Object.assign(new Error(`boom ${n}`), { errorType: "TableUnavailableError" });
        return { swept: 0 };
      },
    },
    deadLetter: async (record: Record) => {
      deadLetters.push(record);
    },
  };
  return { scheduled, tries, deadLetters };
}

describe("the local scheduler's failed runs, as Lambda's asynchronous invocation keeps them", () => {
  const lines: string[] = [];
  let scheduler: Scheduler | undefined;
  beforeEach(() => {
    vi.useFakeTimers();
    lines.length = 0;
  });
  afterEach(async () => {
    await scheduler?.stop();
    vi.useRealTimers();
  });

  it("tries a failing run its retries more times, a minute apart at most, then sends it with its error", async () => {
    // Arrange
    const { scheduled, tries, deadLetters } = aSchedule(2, () => true);
    scheduler = new Scheduler([scheduled], (line) => lines.push(line));
    // Act: the first run at 1 s, its retries 1 s and 2 s after each failure.
    scheduler.start();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS + retryDelayMs(INTERVAL_MS, 1) + retryDelayMs(INTERVAL_MS, 2));
    // Assert: the first run's event, tried three times, then kept once with the last error.
    const [firstId] = [...tries.keys()];
    expect(tries.get(firstId as string)).toBe(3);
    const kept = deadLetters.filter((record) => (record.requestPayload as ScheduledEvent).id === firstId);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({
      version: "1.0",
      requestContext: { condition: "RetriesExhausted", approximateInvokeCount: 3 },
      requestPayload: { "detail-type": "Scheduled Event", id: firstId },
      responseContext: { functionError: "Unhandled" },
      responsePayload: { errorType: "TableUnavailableError", errorMessage: "boom 3" },
    });
    expect(kept[0]?.requestContext.functionArn).toMatch(/:function:Sweeper:\$LATEST$/);
    expect(lines).toContain("Sweeper scheduled run failed (try 1 of 3): boom 1");
  });

  it("sends a run at once when it has no retries", async () => {
    const { scheduled, tries, deadLetters } = aSchedule(0, () => true);
    scheduler = new Scheduler([scheduled], () => undefined);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect([...tries.values()]).toEqual([1]);
    expect(deadLetters.map((record) => record.requestContext.approximateInvokeCount)).toEqual([1]);
  });

  it("keeps nothing when a retry succeeds", async () => {
    const { scheduled, tries, deadLetters } = aSchedule(2, (n) => n === 1);
    scheduler = new Scheduler([scheduled], () => undefined);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS + retryDelayMs(INTERVAL_MS, 1));
    expect([...tries.values()][0]).toBe(2);
    expect(deadLetters).toEqual([]);
  });

  it("sends a run waiting for its retry when the runtime stops, instead of dropping it", async () => {
    const { scheduled, deadLetters } = aSchedule(2, () => true);
    scheduler = new Scheduler([scheduled], () => undefined);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    await scheduler.stop();
    expect(deadLetters.map((record) => record.requestContext.approximateInvokeCount)).toEqual([1]);
    expect(deadLetters[0]?.requestContext.condition).toBe("RuntimeStopped");
  });

  it("retries a minute apart at most, as Lambda does, and sooner on short local intervals", () => {
    expect([1, 2].map((retry) => retryDelayMs(3_600_000, retry))).toEqual([60_000, 120_000]);
    expect([1, 2].map((retry) => retryDelayMs(2_000, retry))).toEqual([2_000, 4_000]);
  });
});
