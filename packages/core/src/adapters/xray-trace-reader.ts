import { BatchGetTracesCommand, GetTraceSummariesCommand, type XRayClient } from "@aws-sdk/client-xray";
import type { SpanKind, TraceSpan } from "../domain/trace.ts";
import type { TraceReader } from "../use-cases/trace/read-order-trace.ts";
import { guarded } from "./dependency-errors.ts";

/** The most traces read for one order: its POST, each processor and Notifier invocation, a few retries. */
export const MAX_ORDER_TRACES = 20;
/** BatchGetTraces takes at most five ids a call. */
const IDS_PER_BATCH = 5;
const MAX_SUMMARY_PAGES = 10;

/** The parts of an X-Ray segment document read here (docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html). */
export interface SegmentDocument {
  name?: string;
  origin?: string;
  namespace?: string;
  start_time?: number;
  end_time?: number;
  error?: boolean;
  fault?: boolean;
  aws?: { operation?: string };
  http?: { request?: { method?: string; url?: string }; response?: { status?: number } };
  subsegments?: SegmentDocument[];
}

const QUEUE_ORIGINS = new Set(["AWS::SQS::Queue", "AWS::SQS", "AWS::SNS", "AWS::SNS::Topic"]);

function hostOf(url: string | undefined): string {
  try {
    return url ? new URL(url).host : "";
  } catch {
    return "";
  }
}

/** One span of a subsegment, or none for the Lambda runtime's own (`Invocation`, `## handler`, …). */
function subsegmentSpan(doc: SegmentDocument): Omit<TraceSpan, "traceId" | "start" | "end" | "function"> | undefined {
  if (doc.namespace === "aws") return { name: `${doc.name ?? "AWS"}.${doc.aws?.operation ?? "call"}`, kind: "aws" };
  if (doc.namespace === "remote" || doc.http?.request) {
    const status = doc.http?.response?.status;
    const name = `${doc.http?.request?.method ?? "GET"} ${hostOf(doc.http?.request?.url) || (doc.name ?? "")}`;
    return { name, kind: "http", ...(status !== undefined ? { status } : {}) };
  }
  if (doc.name === "Initialization") return { name: "Initialization", kind: "other" };
  return undefined;
}

/** Every span of one segment document: the segment, then its subsegments at any depth. */
export function spansOfSegment(doc: SegmentDocument, traceId: string): TraceSpan[] {
  if (doc.start_time === undefined) return [];
  const at = (seconds: number | undefined, fallback: number) => (seconds ?? fallback) * 1000;
  const fn = doc.origin === "AWS::Lambda::Function" ? doc.name : undefined;
  const spans: TraceSpan[] = [];
  // Lambda's own segment (origin AWS::Lambda) repeats its function's: the function's is kept.
  if (doc.origin !== "AWS::Lambda") {
    const kind: SpanKind = fn ? "function" : QUEUE_ORIGINS.has(doc.origin ?? "") ? "queue" : "other";
    spans.push({
      traceId,
      name: doc.name ?? "segment",
      kind,
      start: at(doc.start_time, 0),
      end: at(doc.end_time, doc.start_time),
      ...(doc.error || doc.fault ? { error: true } : {}),
    });
  }
  const visit = (subsegments: SegmentDocument[] | undefined) => {
    for (const sub of subsegments ?? []) {
      const span = sub.start_time === undefined ? undefined : subsegmentSpan(sub);
      if (span && sub.start_time !== undefined) {
        spans.push({
          traceId,
          ...span,
          ...(fn ? { function: fn } : {}),
          start: at(sub.start_time, 0),
          end: at(sub.end_time, sub.start_time),
          ...(sub.error || sub.fault ? { error: true } : {}),
        });
      }
      visit(sub.subsegments);
    }
  };
  visit(doc.subsegments);
  return spans;
}

/**
 * `TraceReader` over X-Ray: the traces whose `orderId` annotation is the
 * order's (GetTraceSummaries), then their segments (BatchGetTraces), as
 * spans. At most {@link MAX_ORDER_TRACES} traces.
 */
export class XRayTraceReader implements TraceReader {
  readonly #client: XRayClient;

  constructor(client: XRayClient) {
    this.#client = client;
  }

  spansOf(orderId: string, window: { from: Date; to: Date }): Promise<TraceSpan[]> {
    return guarded("traces", "read the order's traces", async () => {
      const ids = await this.#traceIds(orderId, window);
      const spans: TraceSpan[] = [];
      for (let i = 0; i < ids.length; i += IDS_PER_BATCH) {
        const { Traces = [] } = await this.#client.send(
          new BatchGetTracesCommand({ TraceIds: ids.slice(i, i + IDS_PER_BATCH) }),
        );
        for (const trace of Traces) {
          for (const segment of trace.Segments ?? []) {
            if (!segment.Document) continue;
            spans.push(...spansOfSegment(JSON.parse(segment.Document) as SegmentDocument, trace.Id ?? ""));
          }
        }
      }
      return spans;
    });
  }

  async #traceIds(orderId: string, { from, to }: { from: Date; to: Date }): Promise<string[]> {
    const ids = new Set<string>();
    const filter = `annotation.orderId = "${orderId.replace(/["\\]/g, "\\$&")}"`;
    let token: string | undefined;
    for (let page = 0; page < MAX_SUMMARY_PAGES && ids.size < MAX_ORDER_TRACES; page++) {
      const answer = await this.#client.send(
        new GetTraceSummariesCommand({ StartTime: from, EndTime: to, FilterExpression: filter, NextToken: token }),
      );
      for (const summary of answer.TraceSummaries ?? []) if (summary.Id) ids.add(summary.Id);
      token = answer.NextToken;
      if (!token) break;
    }
    return [...ids].slice(0, MAX_ORDER_TRACES);
  }
}
