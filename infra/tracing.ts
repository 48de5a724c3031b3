/**
 * Tracing deployed (issue #18): every function runs with Lambda's active
 * tracing, so Lambda starts an X-Ray trace per invocation and the function's
 * Powertools Tracer sends its subsegments (SDK calls, webhook POSTs, the
 * `orderId` annotation). SST 4.17.1's Function has no tracing option: it is
 * set on the Lambda function through `transform.function`.
 */
import type { FunctionSpec } from "./manifest.ts";
import { functionKey } from "./permissions.ts";

/** What active tracing needs of a function's role: AWSXRayDaemonWriteAccess's two actions. */
export const XRAY_WRITE = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"] as const;
/** What reading an order's trace takes: find its traces by annotation, then read them. */
export const XRAY_READ = ["xray:GetTraceSummaries", "xray:BatchGetTraces"] as const;
/** The functions that read traces: GET /admin/orders/{id}/trace only. */
export const TRACE_READERS = new Set(["admin/order-trace"]);

/**
 * A function's X-Ray statements. X-Ray defines no resource types for these
 * actions (the Service Authorization Reference lists none), so `*` is the
 * only resource they can name; the actions are what is kept to the least.
 */
export function tracingPermissions(spec: Pick<FunctionSpec, "handler">) {
  const read = TRACE_READERS.has(functionKey(spec.handler));
  return [
    { actions: [...XRAY_WRITE], resources: ["*"] },
    ...(read ? [{ actions: [...XRAY_READ], resources: ["*"] }] : []),
  ];
}

/** Lambda's active tracing on a function's arguments (`transform.function`). */
export function activeTracing(args: { tracingConfig?: unknown }): void {
  args.tracingConfig = { mode: "Active" };
}
