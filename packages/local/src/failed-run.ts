/**
 * Lambda's on-failure destination record for an asynchronous invocation that
 * failed after its retries: what a schedule's failed run leaves in
 * SchedulesDlq deployed (`ScheduleSpec.failures`), and so here too. Its body
 * holds the run's event, why it stopped, and the error.
 */
import { randomUUID } from "node:crypto";

export interface FailedRun {
  functionName: string;
  event: unknown;
  error: Error;
  /** Every try, the first one included: Lambda's `approximateInvokeCount`. */
  tries: number;
  /**
   * Why it stopped: Lambda's `RetriesExhausted`, or, locally only, `RuntimeStopped` for a run that still had
   * tries left when `npm start` stopped (deployed, Lambda would have tried it again).
   */
  condition: "RetriesExhausted" | "RuntimeStopped";
}

/** The error's type as Lambda names it: a worker's FunctionError carries the handler's own. */
const errorTypeOf = (error: Error) => (error as { errorType?: unknown }).errorType ?? error.name;

export function failedRunRecord(run: FailedRun, now = new Date()) {
  const region = process.env.AWS_REGION ?? "us-east-1";
  return {
    version: "1.0",
    timestamp: now.toISOString(),
    requestContext: {
      requestId: randomUUID(),
      functionArn: `arn:aws:lambda:${region}:000000000000:function:${run.functionName}:$LATEST`,
      condition: run.condition,
      approximateInvokeCount: run.tries,
    },
    requestPayload: run.event,
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    responsePayload: { errorType: errorTypeOf(run.error), errorMessage: run.error.message },
  };
}
