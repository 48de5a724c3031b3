import { randomUUID } from "node:crypto";
import type { ScheduledEvent } from "aws-lambda";
import { type FailedRun, failedRunRecord } from "./failed-run.ts";
import type { Invoker } from "./invokers.ts";
import type { LocalFunction } from "./local-functions.ts";

/** The event EventBridge Scheduler's `rate(…)` rule sends a function. */
export function scheduledEvent(ruleName: string, now = new Date()): ScheduledEvent {
  const region = process.env.AWS_REGION ?? "us-east-1";
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "000000000000",
    // EventBridge gives the time to the second.
    time: `${now.toISOString().slice(0, 19)}Z`,
    region,
    resources: [`arn:aws:events:${region}:000000000000:rule/${ruleName}`],
    detail: {},
  };
}

export interface ScheduledFunction {
  fn: LocalFunction;
  invoker: Invoker;
  intervalMs: number;
  /** Lambda's retries of a failed run (`ScheduleSpec.failures.retries`). */
  retries: number;
  /** Where a run goes once its tries are spent: SchedulesDlq. */
  deadLetter(record: ReturnType<typeof failedRunRecord>): Promise<void>;
}

/** Lambda retries a failed asynchronous run about a minute later, then two: an interval at most, for short ones. */
export const retryDelayMs = (intervalMs: number, retry: number) => Math.min(60_000, intervalMs) * retry;

/**
 * Runs each scheduled function on its timer, as EventBridge Scheduler would:
 * the first run one interval after start, then every interval, whether or
 * not the previous run has finished. A failed run is tried again as Lambda
 * tries an asynchronous invocation, `retries` more times, then sent with its
 * error to its dead-letter queue: never a log line alone.
 */
export class Scheduler {
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #running = new Set<Promise<void>>();
  readonly #wakers = new Set<() => void>();
  #stopped = false;

  readonly #schedules: ScheduledFunction[];
  readonly #log: (line: string) => void;

  constructor(schedules: ScheduledFunction[], log: (line: string) => void) {
    this.#schedules = schedules;
    this.#log = log;
  }

  start(): void {
    for (const schedule of this.#schedules) {
      this.#timers.push(setInterval(() => this.#run(schedule), schedule.intervalMs));
    }
  }

  #run(schedule: ScheduledFunction): void {
    const run = this.#tryAll(schedule, scheduledEvent(schedule.fn.name));
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
  }

  async #tryAll(schedule: ScheduledFunction, event: ScheduledEvent): Promise<void> {
    for (let tries = 1; ; tries++) {
      const error = await this.#tryOnce(schedule, event, tries);
      if (!error) return;
      // Spent, or the runtime stops before the next try: either way the run is kept, with its error.
      if (tries <= schedule.retries) await this.#pause(retryDelayMs(schedule.intervalMs, tries));
      if (tries > schedule.retries || this.#stopped) {
        const condition = tries > schedule.retries ? "RetriesExhausted" : "RuntimeStopped";
        return this.#deadLetter(schedule, { functionName: schedule.fn.name, event, error, tries, condition });
      }
    }
  }

  /** One try of a run: nothing when it ran to its end, else its error. */
  async #tryOnce({ fn, invoker, retries }: ScheduledFunction, event: ScheduledEvent, tries: number) {
    const started = Date.now();
    try {
      const result = await invoker.invoke(event);
      this.#log(`${fn.name} scheduled run: ${JSON.stringify(result ?? null)} ${Date.now() - started}ms`);
      return undefined;
    } catch (error) {
      this.#log(`${fn.name} scheduled run failed (try ${tries} of ${retries + 1}): ${(error as Error).message}`);
      return error as Error;
    }
  }

  async #deadLetter(schedule: ScheduledFunction, run: FailedRun): Promise<void> {
    try {
      await schedule.deadLetter(failedRunRecord(run));
      this.#log(`${run.functionName} scheduled run sent to SchedulesDlq after ${run.tries} tries`);
    } catch (error) {
      this.#log(`${run.functionName} scheduled run NOT sent to SchedulesDlq: ${(error as Error).message}`);
    }
  }

  /** Waits `ms`, or less if the scheduler stops meanwhile. */
  #pause(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakers.add(wake);
    });
  }

  /** Stops the timers and waits for the runs in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearInterval(timer);
    for (const wake of this.#wakers) wake();
    await Promise.allSettled([...this.#running]);
  }
}
