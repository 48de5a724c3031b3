import type { LocalSpan, TraceReport } from "./trace-spans.ts";

export interface TraceStoreOptions {
  /** Traces kept, the oldest dropped first (default 1,000). */
  maxTraces?: number;
  /** Spans kept per trace, the later ones dropped (default 200). */
  maxSpansPerTrace?: number;
}

interface StoredTrace {
  traceId: string;
  orders: Set<string>;
  spans: LocalSpan[];
  dropped: number;
}

/**
 * The local runtime's traces, in memory and bounded: the last `maxTraces`
 * traces that an order annotated (1,000 by default), each with at most
 * `maxSpansPerTrace` spans (200). Spans of a trace no order annotated (a
 * GET, a health check, a schedule that found nothing) are not kept.
 */
export class TraceStore {
  readonly #maxTraces: number;
  readonly #maxSpans: number;
  readonly #traces = new Map<string, StoredTrace>();
  readonly #byOrder = new Map<string, Set<string>>();

  constructor(options: TraceStoreOptions = {}) {
    this.#maxTraces = options.maxTraces ?? 1000;
    this.#maxSpans = options.maxSpansPerTrace ?? 200;
  }

  /** Records a report: its annotations first, so that the spans of a trace it annotates are kept. */
  add(report: TraceReport): void {
    for (const { traceId, orderId } of report.orders) this.#annotate(traceId, orderId);
    this.addSpans(report.spans);
  }

  addSpans(spans: readonly LocalSpan[]): void {
    for (const span of spans) {
      const trace = this.#traces.get(span.traceId);
      if (!trace) continue;
      if (trace.spans.length < this.#maxSpans) trace.spans.push(span);
      else trace.dropped++;
    }
  }

  /** The traces annotated with the order, oldest first. */
  tracesOf(orderId: string): { traceId: string; spans: readonly LocalSpan[]; dropped: number }[] {
    const ids = this.#byOrder.get(orderId) ?? new Set<string>();
    return [...ids].flatMap((id) => this.#traces.get(id) ?? []);
  }

  /** One trace by its id, if it is held. */
  get(traceId: string): { traceId: string; spans: readonly LocalSpan[]; dropped: number } | undefined {
    return this.#traces.get(traceId);
  }

  /** Traces held now. */
  get size(): number {
    return this.#traces.size;
  }

  #annotate(traceId: string, orderId: string): void {
    let trace = this.#traces.get(traceId);
    if (!trace) {
      trace = { traceId, orders: new Set(), spans: [], dropped: 0 };
      this.#traces.set(traceId, trace);
      if (this.#traces.size > this.#maxTraces) this.#evictOldest();
    }
    if (trace.orders.has(orderId)) return;
    trace.orders.add(orderId);
    const ids = this.#byOrder.get(orderId) ?? new Set<string>();
    ids.add(traceId);
    this.#byOrder.set(orderId, ids);
  }

  #evictOldest(): void {
    const [oldest] = this.#traces.values();
    if (!oldest) return;
    this.#traces.delete(oldest.traceId);
    for (const orderId of oldest.orders) {
      const ids = this.#byOrder.get(orderId);
      ids?.delete(oldest.traceId);
      if (ids?.size === 0) this.#byOrder.delete(orderId);
    }
  }
}
