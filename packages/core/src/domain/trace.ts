import { DomainError } from "./errors.ts";

/**
 * An order's trace: every span recorded under a trace annotated with the
 * order's id, from `POST /orders` through the queue, the saga's calls, the
 * topic and the Notifier to the webhook. Deployed the spans come from X-Ray,
 * locally from the runtime; both read the same way.
 */

/** What a span stands for: a function's invocation, a wait on a queue, an AWS call, an HTTP request. */
export type SpanKind = "function" | "queue" | "aws" | "http" | "other";

export interface TraceSpan {
  traceId: string;
  /** `OrdersProcessor`, `OrdersQueue`, `DynamoDB.TransactWriteItems`, `POST hooks.example.com`. */
  name: string;
  kind: SpanKind;
  /** The function the span ran in, for calls. */
  function?: string | undefined;
  /** Epoch milliseconds. */
  start: number;
  end: number;
  /** An HTTP status, when the span is a request. */
  status?: number | undefined;
  error?: boolean | undefined;
}

/** The most spans an order's trace shows: past it, the latest are left out and `truncated` says so. */
export const MAX_TRACE_SPANS = 500;

export interface OrderTraceView {
  orderId: string;
  traceIds: string[];
  startedAt: string;
  durationMs: number;
  spans: {
    traceId: string;
    name: string;
    kind: SpanKind;
    function?: string;
    startedAt: string;
    /** Milliseconds from the trace's first span. */
    offsetMs: number;
    durationMs: number;
    status?: number;
    error?: boolean;
  }[];
  truncated: boolean;
}

/** No trace names this order: never traced, too old for the store, or not yet recorded. */
export class TraceNotFoundError extends DomainError {
  readonly code = "TRACE_NOT_FOUND";
  override readonly name = "TraceNotFoundError";
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** The waterfall of an order's spans: in the order they started, each from the first one's start. */
export function orderTraceView(orderId: string, spans: readonly TraceSpan[]): OrderTraceView | undefined {
  if (spans.length === 0) return undefined;
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const shown = sorted.slice(0, MAX_TRACE_SPANS);
  const first = sorted[0]?.start ?? 0;
  const last = Math.max(...sorted.map((span) => span.end));
  return {
    orderId,
    traceIds: [...new Set(sorted.map((span) => span.traceId))],
    startedAt: new Date(first).toISOString(),
    durationMs: round(last - first),
    spans: shown.map((span) => ({
      traceId: span.traceId,
      name: span.name,
      kind: span.kind,
      ...(span.function ? { function: span.function } : {}),
      startedAt: new Date(span.start).toISOString(),
      offsetMs: round(span.start - first),
      durationMs: round(Math.max(0, span.end - span.start)),
      ...(span.status !== undefined ? { status: span.status } : {}),
      ...(span.error ? { error: true } : {}),
    })),
    truncated: sorted.length > shown.length,
  };
}
