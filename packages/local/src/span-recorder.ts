import { subscribe } from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Message } from "@aws-sdk/client-sqs";
import { repoRoot } from "./handlers.ts";
import { addInitializeMiddleware, type MiddlewareHost } from "./sdk-middleware.ts";
import { epochMs, type LocalSpan, type OrderAnnotation, rootOf, type TraceReport } from "./trace-spans.ts";

type Tracing = typeof import("@orders/functions/composition/tracing");

/** The handlers' own tracing module (the same instance as theirs): its context says which trace a call is in. */
export async function handlerTracing(): Promise<Tracing> {
  return (await import(pathToFileURL(join(repoRoot, "packages/functions/src/composition/tracing.ts")).href)) as Tracing;
}

/** The webhook sender's header that names the trace (`composition/traced-webhook-sender.ts`). */
const TRACE_ID_HEADER = "orders-trace-id";
/** Spans kept between two takes, at most: an invocation making more is cut short, not the memory. */
const MAX_BUFFERED = 2000;

/**
 * Records, in one function's environment, the spans X-Ray's SDK would: each
 * AWS call and each webhook POST, in the trace its work runs in, and which
 * traces are an order's. The pool takes them with each invocation's result.
 */
export class SpanRecorder {
  readonly #spans: LocalSpan[] = [];
  readonly #orders: OrderAnnotation[] = [];
  readonly #functionName: string | undefined;

  constructor(functionName?: string) {
    this.#functionName = functionName;
  }

  record(span: Omit<LocalSpan, "function">): void {
    if (this.#spans.length >= MAX_BUFFERED) return;
    this.#spans.push(this.#functionName ? { ...span, function: this.#functionName } : span);
  }

  annotate(annotation: OrderAnnotation): void {
    if (this.#orders.length < MAX_BUFFERED) this.#orders.push(annotation);
  }

  /** What was recorded since the last take. */
  take(): TraceReport {
    return { spans: this.#spans.splice(0), orders: this.#orders.splice(0) };
  }
}

/**
 * Hears the handlers' order annotations and times their webhook POSTs (the
 * requests that carry `orders-trace-id`; the SDK's own requests are timed as
 * calls). Nothing in handler code changes.
 */
export function listenForTraces(recorder: SpanRecorder, tracing: Tracing): void {
  subscribe(tracing.ORDER_ANNOTATIONS, (message) => recorder.annotate(message as OrderAnnotation));
  subscribe("http.client.request.start", (message) => {
    const request = (message as { request: ClientRequest }).request;
    const traceId = request.getHeader(TRACE_ID_HEADER);
    if (typeof traceId !== "string") return;
    const start = epochMs();
    let status: number | undefined;
    request.once("response", (response) => {
      status = response.statusCode;
    });
    request.once("close", () =>
      recorder.record({
        traceId,
        name: `${request.method} ${String(request.getHeader("host") ?? request.host)}`,
        kind: "http",
        start,
        end: epochMs(),
        ...(status === undefined ? { error: true } : { status, ...(status >= 400 ? { error: true } : {}) }),
      }),
    );
  });
}

type Attributes = Record<string, { DataType: string; StringValue?: string }>;

/** Puts the trace header on a message, as SQS and SNS do with X-Ray's (`AWSTraceHeader`); the event source moves it back. */
function carry(entry: Record<string, unknown>, header: string): void {
  const attributes = (entry.MessageAttributes ?? {}) as Attributes;
  if (attributes.AWSTraceHeader) return;
  entry.MessageAttributes = { ...attributes, AWSTraceHeader: { DataType: "String", StringValue: header } };
}

/**
 * What SQS answers a handler's receive: the trace header among the system
 * attributes, when asked for (`All` or `AWSTraceHeader`), never among the
 * message's own attributes.
 */
function asSystemAttribute(input: Record<string, unknown>, result: unknown): unknown {
  const output = (result as { output?: { Messages?: Message[] } }).output;
  const asked = [
    ...((input.MessageSystemAttributeNames ?? []) as string[]),
    ...((input.AttributeNames ?? []) as string[]),
  ].some((name) => name === "All" || name === "AWSTraceHeader");
  for (const message of output?.Messages ?? []) {
    const { AWSTraceHeader: carried, ...own } = message.MessageAttributes ?? {};
    if (!carried) continue;
    message.MessageAttributes = Object.keys(own).length > 0 ? own : undefined;
    if (asked && carried.StringValue)
      message.Attributes = { ...message.Attributes, AWSTraceHeader: carried.StringValue };
  }
  return result;
}

const CARRIED: Record<string, (input: Record<string, unknown>) => Record<string, unknown>[]> = {
  "SQS:SendMessage": (input) => [input],
  "SQS:SendMessageBatch": (input) => (input.Entries ?? []) as Record<string, unknown>[],
  "SNS:Publish": (input) => [input],
  "SNS:PublishBatch": (input) => (input.PublishBatchRequestEntries ?? []) as Record<string, unknown>[],
};

/**
 * Times every call a client makes in the trace it runs in, and carries the
 * trace on the messages it sends to SQS and SNS. fauxqs keeps no system
 * attributes, so the header travels as a message attribute of that name.
 */
export function traceSdkClient(
  service: string,
  client: MiddlewareHost,
  recorder: SpanRecorder,
  tracing: Tracing,
): void {
  addInitializeMiddleware(client, "ordersTraceRecorder", async (operation, next, args) => {
    const key = `${service}:${operation}`;
    if (key === "SQS:ReceiveMessage") return asSystemAttribute(args.input, await next(args));
    const header = tracing.currentTraceHeader();
    const traceId = rootOf(header);
    if (!header || !traceId) return next(args);
    for (const entry of CARRIED[key]?.(args.input) ?? []) carry(entry, header);
    const start = epochMs();
    let error = false;
    try {
      return await next(args);
    } catch (failure) {
      error = true;
      throw failure;
    } finally {
      recorder.record({
        traceId,
        name: `${service}.${operation}`,
        kind: "aws",
        start,
        end: epochMs(),
        ...(error ? { error } : {}),
      });
    }
  });
}
