import { randomUUID } from "node:crypto";
import type { ScheduledEvent } from "aws-lambda";
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
}

/**
 * Runs each scheduled function on its timer, as an EventBridge rule would:
 * the first run one interval after start, then every interval, whether or
 * not the previous run has finished.
 */
export class Scheduler {
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #running = new Set<Promise<void>>();

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

  #run({ fn, invoker }: ScheduledFunction): void {
    const started = Date.now();
    const run = invoker.invoke(scheduledEvent(fn.name)).then(
      (result) => this.#log(`${fn.name} scheduled run: ${JSON.stringify(result ?? null)} ${Date.now() - started}ms`),
      (error: Error) => this.#log(`${fn.name} scheduled run failed: ${error.message}`),
    );
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
  }

  /** Stops the timers and waits for the runs in flight. */
  async stop(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    await Promise.allSettled([...this.#running]);
  }
}
