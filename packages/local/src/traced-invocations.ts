import type { SQSRecord } from "aws-lambda";
import { epochMs, type LocalSpan, newTrace, rootOf } from "./trace-spans.ts";
import type { TraceStore } from "./trace-store.ts";

/** What runs an invocation, given its trace header (Lambda's `_X_AMZN_TRACE_ID`). */
export type TracedInvoke = (event: unknown, trace: string) => Promise<unknown>;

/** The traces an SQS event's records carry, each with its queue and when its message was sent. */
function carriedTraces(event: unknown): { traceId: string; queue: string; sentAt: number }[] {
  const records = (event as { Records?: Partial<SQSRecord>[] } | undefined)?.Records;
  if (!Array.isArray(records)) return [];
  return records.flatMap((record) => {
    const traceId = rootOf(record.attributes?.AWSTraceHeader);
    if (!traceId || record.eventSource !== "aws:sqs") return [];
    const queue = record.eventSourceARN?.split(":").at(-1) ?? "queue";
    return [{ traceId, queue, sentAt: Number(record.attributes?.SentTimestamp) }];
  });
}

/**
 * Runs an invocation as Lambda with active tracing does: in a trace of its
 * own, and records its span. An SQS batch's span goes to each trace its
 * records carry instead (X-Ray links them), with a span for each message's
 * wait on its queue, from when it was sent to this invocation.
 */
export async function invokeTraced(
  name: string,
  event: unknown,
  invoke: TracedInvoke,
  store: TraceStore,
): Promise<unknown> {
  const own = newTrace();
  const carried = carriedTraces(event);
  const start = epochMs();
  let error = false;
  try {
    return await invoke(event, own.header);
  } catch (failure) {
    error = true;
    throw failure;
  } finally {
    const end = epochMs();
    const traceIds = carried.length > 0 ? [...new Set(carried.map((link) => link.traceId))] : [own.traceId];
    const spans: LocalSpan[] = traceIds.map((traceId) => ({
      traceId,
      name,
      kind: "function",
      start,
      end,
      ...(error ? { error } : {}),
    }));
    for (const { traceId, queue, sentAt } of carried) {
      if (Number.isFinite(sentAt) && sentAt <= start)
        spans.push({ traceId, name: queue, kind: "queue", start: sentAt, end: start });
    }
    store.addSpans(spans);
  }
}
