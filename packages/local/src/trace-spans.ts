import { randomBytes } from "node:crypto";

/**
 * What the local runtime records of a trace, as X-Ray would: one span per
 * function invocation and per wait on a queue (recorded by the runtime), one
 * per AWS call and per webhook POST (recorded in the function's worker).
 */
export interface LocalSpan {
  traceId: string;
  /** `OrdersProcessor`, `OrdersQueue`, `DynamoDB.TransactWriteItems`, `POST 127.0.0.1:4000`. */
  name: string;
  kind: "function" | "queue" | "aws" | "http";
  /** The function a call was made from. */
  function?: string | undefined;
  /** Epoch milliseconds, to the microsecond. */
  start: number;
  end: number;
  status?: number | undefined;
  error?: boolean | undefined;
}

/** A trace annotated with an order: `annotateOrder` ran in it. */
export interface OrderAnnotation {
  traceId: string;
  orderId: string;
}

/** What one invocation (or a stretch of the in-process mode) recorded. */
export interface TraceReport {
  spans: LocalSpan[];
  orders: OrderAnnotation[];
}

/** Now, in epoch milliseconds with sub-millisecond precision. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/**
 * A new trace, as Lambda starts one for an invocation: an X-Ray trace id
 * (`1-<epoch seconds, hex>-<96 random bits>`) in a trace header.
 */
export function newTrace(): { traceId: string; header: string } {
  const traceId = `1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString("hex")}`;
  return { traceId, header: `Root=${traceId};Parent=${randomBytes(8).toString("hex")};Sampled=1` };
}

/** The trace id of a trace header. */
export function rootOf(header: string | undefined): string | undefined {
  return header ? /(?:^|;)\s*Root=([^;]+)/.exec(header)?.[1] : undefined;
}
