import { runtime, schedules } from "./manifest.ts";
import { linkables, permissionsFor, reserved } from "./queues.ts";

/** `rate(1 minute)`, `rate(5 minutes)`: EventBridge wants the singular for 1. */
const rate = (minutes: number) => `rate(${minutes} ${minutes === 1 ? "minute" : "minutes"})` as const;

/** One EventBridge schedule per manifest entry, each function linked to what it uses only. */
export const crons = schedules.map(
  (schedule) =>
    new sst.aws.Cron(schedule.name, {
      schedule: rate(schedule.everyMinutes),
      function: {
        handler: schedule.handler,
        link: schedule.links.map((name) => linkables[name]),
        timeout: `${schedule.timeoutSeconds} seconds`,
        memory: `${schedule.memoryMb} MB`,
        permissions: permissionsFor(schedule),
        ...reserved(schedule),
        ...runtime,
      },
    }),
);
