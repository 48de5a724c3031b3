import { type ScheduleSpec, schedules } from "./manifest.ts";
import { deadLetterQueue, functionArgs } from "./queues.ts";

/** `rate(1 minute)`, `rate(5 minutes)`: EventBridge wants the singular for 1. */
const rate = (minutes: number) => `rate(${minutes} ${minutes === 1 ? "minute" : "minutes"})` as const;

/**
 * The runs EventBridge Scheduler could not hand to their function, after the
 * schedule's retries or once too old (`ScheduleSpec.delivery`). Each message
 * carries the scheduler's reason (its ERROR_CODE and ERROR_MESSAGE
 * attributes) and the target's ARN. No queue policy: the scheduler sends with
 * the schedule's own role, which CronV2 grants `sqs:SendMessage` on this queue.
 *
 * And the runs a function failed, after Lambda's retries
 * (`ScheduleSpec.failures`): Lambda's on-failure record, whose body holds the
 * run's event (`requestPayload`), why it ended (`requestContext.condition`)
 * and the error (`responsePayload`). Lambda sends it with the function's own
 * role, which may send to this queue and to no other for it.
 */
export const schedulesDlq = deadLetterQueue("SchedulesDlq");
const deadLetterQueues = { SchedulesDlq: schedulesDlq };

/** What a schedule's function is given besides `functionArgs`: its failed runs' destination, and leave to send there. */
function failedRunsTo(schedule: ScheduleSpec) {
  const dlq = deadLetterQueues[schedule.failures.dlq];
  const args = functionArgs(schedule);
  return {
    ...args,
    permissions: [...args.permissions, { actions: ["sqs:SendMessage"], resources: [dlq.arn] }],
    // SST's Function creates its FunctionEventInvokeConfig only when `retries` is set.
    retries: schedule.failures.retries,
    transform: {
      ...args.transform,
      eventInvokeConfig: (config: aws.lambda.FunctionEventInvokeConfigArgs) => {
        // Lambda's default is 6 hours: a run never waits longer than its schedule's hand-off allows.
        config.maximumEventAgeInSeconds = schedule.delivery.maxEventAgeSeconds;
        config.destinationConfig = { onFailure: { destination: dlq.arn } };
      },
    },
  };
}

/**
 * One EventBridge Scheduler schedule per manifest entry, each function linked
 * to what it uses only. These were `sst.aws.Cron` (EventBridge rules) before
 * SST 4.17.1 deprecated it: the alias keeps each schedule's function, role and
 * log group as they were deployed (only the rule and its target are replaced),
 * instead of a new function under a new name.
 */
export const crons = schedules.map(
  (schedule) =>
    new sst.aws.CronV2(
      schedule.name,
      {
        schedule: rate(schedule.everyMinutes),
        function: failedRunsTo(schedule),
        retries: schedule.delivery.retries,
        dlq: deadLetterQueues[schedule.delivery.dlq].arn,
        transform: {
          // CronV2 sets the retries only; the provider's default age would be a day (86,400 s).
          schedule: (args) => {
            args.target = $output(args.target).apply((target) => ({
              ...target,
              retryPolicy: { ...target.retryPolicy, maximumEventAgeInSeconds: schedule.delivery.maxEventAgeSeconds },
            }));
          },
        },
      },
      { aliases: [{ type: "sst:aws:Cron" }] },
    ),
);
