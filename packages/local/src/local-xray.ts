import { randomBytes } from "node:crypto";
import type { LocalSpan } from "./trace-spans.ts";
import type { TraceStore } from "./trace-store.ts";

/**
 * X-Ray's GetTraceSummaries and BatchGetTraces, as far as reading an order's
 * trace asks them, over the runtime's span store. Served at `/_local/xray`,
 * where the functions' AWS_ENDPOINT_URL_XRAY points, so that
 * `GET /admin/orders/{id}/trace` runs the same handler and X-Ray adapter as
 * deployed. X-Ray's REST JSON protocol: epoch seconds for times.
 */

type Reply = { status: number; body: Record<string, unknown> };

const refused = (message: string): Reply => ({ status: 400, body: { __type: "InvalidRequestException", message } });
const seconds = (ms: number) => ms / 1000;
const segmentId = () => randomBytes(8).toString("hex");

/** The one filter understood: `annotation.orderId = "<id>"`. */
function orderIdOf(filter: unknown): string | undefined {
  if (typeof filter !== "string") return undefined;
  const match = /^\s*annotation\.orderId\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(filter);
  return match?.[1]?.replace(/\\(.)/g, "$1");
}

function parse(body: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(body || "{}") as unknown;
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const bounds = (spans: readonly LocalSpan[]) => ({
  start: Math.min(...spans.map((span) => span.start)),
  end: Math.max(...spans.map((span) => span.end)),
});

/** GetTraceSummaries: the traces of the filter's order that began in the window. */
export function getTraceSummaries(body: string, store: TraceStore): Reply {
  const request = parse(body);
  if (!request) return refused("The request is not a JSON object");
  const orderId = orderIdOf(request.FilterExpression);
  if (orderId === undefined) return refused('Only annotation.orderId = "<id>" is understood locally');
  const from = Number(request.StartTime ?? 0) * 1000;
  const to = Number(request.EndTime ?? Number.POSITIVE_INFINITY) * 1000;
  const summaries = store
    .tracesOf(orderId)
    .filter((trace) => trace.spans.length > 0)
    .flatMap((trace) => {
      const { start, end } = bounds(trace.spans);
      if (start < from || start > to) return [];
      return [{ Id: trace.traceId, StartTime: seconds(start), Duration: seconds(end - start), HasError: false }];
    });
  return { status: 200, body: { TraceSummaries: summaries, TracesProcessedCount: summaries.length } };
}

/** A subsegment of an AWS call or an HTTP request, as the X-Ray SDK writes them. */
function subsegment(span: LocalSpan) {
  const common = {
    id: segmentId(),
    start_time: seconds(span.start),
    end_time: seconds(span.end),
    ...(span.error ? { error: true } : {}),
  };
  if (span.kind === "aws") {
    const [service, operation] = span.name.split(".");
    return { ...common, name: service, namespace: "aws", aws: { operation } };
  }
  const [method, host] = span.name.split(" ");
  return {
    ...common,
    name: host,
    namespace: "remote",
    http: {
      request: { method, url: `http://${host}/` },
      ...(span.status !== undefined ? { response: { status: span.status } } : {}),
    },
  };
}

/**
 * One trace's segment documents: a function's invocation with the calls it
 * made meanwhile as subsegments, a wait on a queue as a segment of its own.
 */
export function segmentDocuments(traceId: string, spans: readonly LocalSpan[]): Record<string, unknown>[] {
  const calls = spans.filter((span) => span.kind === "aws" || span.kind === "http");
  const placed = new Set<LocalSpan>();
  const documents = spans
    .filter((span) => span.kind === "function" || span.kind === "queue")
    .map((span) => {
      const inside = calls.filter(
        (call) =>
          !placed.has(call) && call.function === span.name && call.start >= span.start && call.start <= span.end,
      );
      for (const call of inside) placed.add(call);
      return {
        id: segmentId(),
        trace_id: traceId,
        name: span.name,
        origin: span.kind === "function" ? "AWS::Lambda::Function" : "AWS::SQS::Queue",
        start_time: seconds(span.start),
        end_time: seconds(span.end),
        ...(span.error ? { error: true } : {}),
        ...(inside.length ? { subsegments: inside.map(subsegment) } : {}),
      };
    });
  // A call no invocation of its function holds (its invocation's span was not kept): a segment of its own.
  const loose = calls
    .filter((call) => !placed.has(call))
    .map((call) => ({
      id: segmentId(),
      trace_id: traceId,
      name: call.function ?? "local",
      origin: "AWS::Lambda::Function",
      start_time: seconds(call.start),
      end_time: seconds(call.end),
      subsegments: [subsegment(call)],
    }));
  return [...documents, ...loose];
}

/** BatchGetTraces: each known trace's segments; at most five ids, as X-Ray takes. */
export function batchGetTraces(body: string, store: TraceStore): Reply {
  const request = parse(body);
  const ids = request?.TraceIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 5) return refused("TraceIds: one to five trace ids");
  const traces = ids.flatMap((id) => {
    const trace = store.get(String(id));
    if (!trace || trace.spans.length === 0) return [];
    const { start, end } = bounds(trace.spans);
    return [
      {
        Id: trace.traceId,
        Duration: seconds(end - start),
        Segments: segmentDocuments(trace.traceId, trace.spans).map((doc) => ({
          Id: String(doc.id),
          Document: JSON.stringify(doc),
        })),
      },
    ];
  });
  const found = new Set(traces.map((trace) => trace.Id));
  return {
    status: 200,
    body: { Traces: traces, UnprocessedTraceIds: ids.map(String).filter((id) => !found.has(id)) },
  };
}
