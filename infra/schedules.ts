import { schedules } from "./manifest.ts";
import { functionArgs } from "./queues.ts";

/** `rate(1 minute)`, `rate(5 minutes)`: EventBridge wants the singular for 1. */
const rate = (minutes: number) => `rate(${minutes} ${minutes === 1 ? "minute" : "minutes"})` as const;

/** One EventBridge schedule per manifest entry, each function linked to what it uses only. */
export const crons = schedules.map(
  (schedule) =>
    new sst.aws.Cron(schedule.name, {
      schedule: rate(schedule.everyMinutes),
      function: functionArgs(schedule),
    }),
);
