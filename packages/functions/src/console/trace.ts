import type { Kit } from "./types.ts";

/** `GET /admin/orders/{id}/trace`'s body, as far as the console shows it. */
export interface OrderTrace {
  traceIds: string[];
  durationMs: number;
  truncated: boolean;
  spans: {
    name: string;
    kind: string;
    function?: string;
    offsetMs: number;
    durationMs: number;
    status?: number;
    error?: boolean;
  }[];
}

/**
 * The order's trace as a waterfall: one row per span (an invocation, a wait
 * on a queue, an AWS call, the webhook POST), each with when it started after
 * the first, how long it took, and a bar on the trace's time line. Read when
 * the order is shown. Runs in the page, serialized with toString():
 * self-contained, it gets everything through `kit`; the bars are SVG, whose
 * attributes the CSP allows where a style attribute is refused.
 */
export function orderTrace(kit: Kit): (orderId: string) => HTMLElement {
  const SVG = "http://www.w3.org/2000/svg";
  const COLOURS: Record<string, string> = { function: "#1f5fa8", queue: "#8a6d00", aws: "#2e7d32", http: "#6a3fa0" };
  const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`);

  function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
    return node;
  }

  function bar(span: OrderTrace["spans"][number], total: number): SVGElement {
    const scale = total > 0 ? 1000 / total : 0;
    // A fixed width: the bar stays beside its span's name on a narrow screen, where a wide table scrolls.
    const line = svg("svg", { viewBox: "0 0 1000 10", preserveAspectRatio: "none", width: 240, height: 10 });
    line.setAttribute("aria-hidden", "true");
    line.append(
      svg("rect", {
        x: Math.min(998, span.offsetMs * scale),
        width: Math.max(2, span.durationMs * scale),
        height: 10,
        fill: span.error ? "#b3261e" : (COLOURS[span.kind] ?? "#555"),
      }),
    );
    return line;
  }

  function waterfall(trace: OrderTrace): HTMLElement {
    const box = kit.el("div");
    const cut = trace.truncated ? " · the latest spans are left out" : "";
    box.append(
      kit.el(
        "p",
        `${trace.spans.length} spans over ${ms(trace.durationMs)} · trace ${trace.traceIds.join(", ")}${cut}`,
      ),
      kit.table(
        "Trace waterfall",
        ["Span", "Waterfall", "Duration", "Start", "In"],
        trace.spans.map((span) => [
          span.name,
          bar(span, trace.durationMs),
          [ms(span.durationMs), span.status, span.error ? "error" : undefined]
            .filter((part) => part !== undefined)
            .join(" · "),
          `+${ms(span.offsetMs)}`,
          span.function ?? span.kind,
        ]),
      ),
    );
    return box;
  }

  return function trace(orderId: string): HTMLElement {
    const box = kit.el("div", undefined, { "aria-live": "polite" });
    box.append(kit.el("p", "Reading the trace…", { class: "none" }));
    kit.api<OrderTrace>("GET", `/admin/orders/${encodeURIComponent(orderId)}/trace`).then(
      (read) => box.replaceChildren(waterfall(read)),
      (error: { status?: number; message?: string }) =>
        box.replaceChildren(
          kit.el(
            "p",
            error.status === 404
              ? "No trace recorded for this order yet"
              : `The trace could not be read: ${error.message}`,
            { class: "none" },
          ),
        ),
    );
    return box;
  };
}
