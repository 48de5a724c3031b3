import { AsyncLocalStorage } from "node:async_hooks";
import { channel } from "node:diagnostics_channel";
import type { Tracer } from "@aws-lambda-powertools/tracer";

/**
 * One trace per order. Deployed, Powertools Tracer (X-Ray) records each
 * invocation, its SDK calls and its webhook POSTs, and `orderId` is an
 * annotation, so an order's traces are found by it. Lambda starts a trace per
 * invocation (`_X_AMZN_TRACE_ID`); a message carries the trace that sent it
 * (`AWSTraceHeader`), and each record's work runs in that trace here.
 *
 * The tracer loads only where it records: on Lambda with
 * `POWERTOOLS_TRACE_ENABLED` not `false`. Elsewhere (the local runtime, the
 * tests) nothing of it is imported, and a host hears of the trace through the
 * context below and the {@link ORDER_ANNOTATIONS} channel instead.
 */

/** Where a host hears that the current trace belongs to an order: `{ traceId, orderId }`. */
export const ORDER_ANNOTATIONS = "orders:trace:order";

const orderAnnotations = channel(ORDER_ANNOTATIONS);
/** The trace header of the work under way, when it is not the invocation's (a record's). */
const recordTrace = new AsyncLocalStorage<string>();

const onLambda = (process.env.AWS_EXECUTION_ENV ?? "").startsWith("AWS_Lambda");
const tracingOn = onLambda && process.env.POWERTOOLS_TRACE_ENABLED !== "false";

/** Powertools Tracer when it records, else undefined (and never loaded). */
export const tracer: Tracer | undefined = tracingOn
  ? new (await import("@aws-lambda-powertools/tracer")).Tracer({ serviceName: "orders" })
  : undefined;

/** An SDK client whose calls are recorded as subsegments, and carry the trace header to SQS and SNS. */
export function traced<T extends object>(client: T): T {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/** The trace id (`1-…-…`) of an X-Ray trace header (`Root=1-…;Parent=…;Sampled=1`). */
export function traceIdOf(header: string | undefined): string | undefined {
  return header ? /(?:^|;)\s*Root=([^;]+)/.exec(header)?.[1] : undefined;
}

/** The trace header of the work under way: its record's, else the invocation's. */
export function currentTraceHeader(): string | undefined {
  return recordTrace.getStore() ?? process.env._X_AMZN_TRACE_ID;
}

/** The trace id of the work under way, if it is traced. */
export function currentTraceId(): string | undefined {
  return traceIdOf(currentTraceHeader());
}

/** Runs `work` in the trace `header` names; without one, in the current trace. */
export function inTrace<T>(header: string | undefined, work: () => Promise<T>): Promise<T> {
  return header ? recordTrace.run(header, work) : work();
}

/**
 * Runs one queue record's work in the trace its message carries, in a
 * subsegment of its own when the tracer records (a batch holds several
 * orders, and each needs its own `orderId` annotation).
 */
export function inRecordTrace<T>(
  record: { attributes: { AWSTraceHeader?: string } },
  work: () => Promise<T>,
): Promise<T> {
  const header = record.attributes.AWSTraceHeader;
  const provider = tracer?.provider;
  if (!provider) return inTrace(header, work);
  return provider.captureAsyncFunc("## record", async (subsegment) => {
    try {
      return await inTrace(header, work);
    } finally {
      subsegment?.close();
    }
  }) as Promise<T>;
}

/**
 * Marks the current trace as the order's: an X-Ray annotation, and a message
 * to any host listening. The annotation goes on a subsegment of its own: on
 * Lambda a route's current segment is the invocation's facade, which takes
 * no annotation.
 */
export function annotateOrder(orderId: string): void {
  const marker = tracer?.getSegment()?.addNewSubsegment("## order");
  marker?.addAnnotation("orderId", orderId);
  marker?.close();
  if (!orderAnnotations.hasSubscribers) return;
  const traceId = currentTraceId();
  if (traceId) orderAnnotations.publish({ traceId, orderId });
}
