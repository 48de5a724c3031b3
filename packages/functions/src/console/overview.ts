import type { MetricsOverview } from "@orders/core/domain/metrics-overview";
import type { Kit, Tab } from "./types.ts";

/** The Overview tab's markup: a window, four charts and their totals. */
export const overviewPanel = `
<div id="panel-overview" role="tabpanel" aria-labelledby="tab-overview" hidden>
  <div class="toolbar">
    <label>Window <select id="ov-minutes"><option value="15">15 minutes</option><option value="60" selected>1 hour</option><option value="180">3 hours</option></select></label>
    <button id="ov-refresh" type="button">Refresh</button>
  </div>
  <p id="ov-span" class="detail"></p>
  <div class="charts">
    <figure><figcaption>Orders by outcome, per minute</figcaption><div id="ov-outcomes"></div></figure>
    <figure><figcaption>Throughput: orders processed per minute</figcaption><div id="ov-throughput"></div></figure>
    <figure><figcaption>Dead-letter queues' depth</figcaption><div id="ov-depth"></div></figure>
    <figure><figcaption>Notification sends that failed, per minute</figcaption><div id="ov-notifications"></div></figure>
  </div>
  <div id="ov-totals"></div>
</div>`;

/** One series of a chart: its name, its value a minute (null: not read), and its colour's class. */
interface Series {
  name: string;
  values: (number | null)[];
  tone: string;
}

/**
 * The Overview tab: `GET /admin/metrics` as inline SVG charts (stacked bars
 * for the outcomes, lines for the rest), reloaded every 15 s while it is
 * shown. No chart library: each chart is a few rectangles and a polyline.
 * Runs in the page, serialized with toString(): self-contained, it gets
 * everything through `kit`.
 */
export function overviewTab(kit: Kit): Tab {
  const { $, el, api } = kit;
  const SVG = "http://www.w3.org/2000/svg";
  const [W, H, PAD] = [600, 150, 22];

  function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** A time as the console writes it, as text (an SVG label holds no element of the page's). */
  const label = (iso: string | undefined) => {
    const shown = kit.time(iso);
    return typeof shown === "string" ? shown : (shown.textContent ?? "");
  };

  /** A chart of `series` over `minutes`: bars stacked a minute each, or one line a series. */
  function chart(title: string, minutes: string[], series: Series[], kind: "bars" | "lines"): HTMLElement {
    const totals = minutes.map((_, i) =>
      kind === "bars"
        ? series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0)
        : Math.max(0, ...series.map((s) => s.values[i] ?? 0)),
    );
    const top = Math.max(1, ...totals);
    const step = (W - PAD) / Math.max(1, minutes.length);
    const y = (value: number) => H - PAD - (value / top) * (H - 2 * PAD);
    // Bars are counted in the minute: their total says how many; a line's peak says how high it went.
    const summary = series
      .map((s) =>
        kind === "bars"
          ? `${s.name} ${s.values.reduce<number>((sum, v) => sum + (v ?? 0), 0)}`
          : `${s.name} peak ${Math.max(0, ...s.values.map((v) => v ?? 0))}`,
      )
      .join(", ");
    const root = svg("svg", {
      viewBox: `0 0 ${W} ${H}`,
      role: "img",
      "aria-label": `${title}: ${summary}`,
      class: "chart",
    });
    root.append(
      svg("line", { x1: PAD, y1: H - PAD, x2: W, y2: H - PAD, class: "axis" }),
      svg("text", { x: 2, y: PAD - 8, class: "tick" }, `max ${top}`),
      svg("text", { x: PAD, y: H - 6, class: "tick" }, label(minutes[0])),
      svg("text", { x: W, y: H - 6, class: "tick end" }, label(minutes.at(-1))),
    );
    if (kind === "bars") {
      minutes.forEach((minute, i) => {
        const group = svg("g", {});
        group.append(
          svg("title", {}, `${label(minute)}: ${series.map((s) => `${s.values[i] ?? 0} ${s.name}`).join(", ")}`),
        );
        let base = 0;
        for (const s of series) {
          const value = s.values[i] ?? 0;
          if (value <= 0) continue;
          const height = y(base) - y(base + value);
          group.append(
            svg("rect", {
              x: PAD + i * step + 1,
              y: y(base + value),
              width: Math.max(1, step - 2),
              height,
              class: s.tone,
            }),
          );
          base += value;
        }
        root.append(group);
      });
    } else {
      for (const s of series) {
        const points = s.values
          .map((value, i) => (value === null ? "" : `${(PAD + (i + 0.5) * step).toFixed(1)},${y(value).toFixed(1)}`))
          .filter(Boolean);
        root.append(svg("polyline", { points: points.join(" "), class: `line ${s.tone}` }));
        // A dot on each reading above 0: a line of one point draws nothing, and a spike at the edge hides.
        s.values.forEach((value, i) => {
          if (value) root.append(svg("circle", { cx: PAD + (i + 0.5) * step, cy: y(value), r: 3, class: s.tone }));
        });
      }
    }
    const legend = el("ul", undefined, { class: "legend" });
    for (const s of series) legend.append(el("li", s.name, { class: s.tone }));
    const box = el("div");
    box.append(root, legend);
    return box;
  }

  function show(data: MetricsOverview): void {
    const { counts, minutes } = data;
    const outcomes: Series[] = [
      { name: "confirmed", values: counts.OrdersConfirmed, tone: "t-good" },
      { name: "failed", values: counts.OrdersFailed, tone: "t-bad" },
      { name: "cancelled", values: counts.OrdersCancelled, tone: "t-warn" },
      { name: "rejected", values: counts.OrdersRejected, tone: "t-muted" },
      { name: "duplicate", values: counts.OrdersDuplicate, tone: "t-info" },
    ];
    const notifications: Series[] = [
      { name: "failed sends", values: counts.NotificationAttemptsFailed, tone: "t-bad" },
      { name: "delivered", values: counts.NotificationsDelivered, tone: "t-good" },
    ];
    $("ov-span").replaceChildren("From ", kit.time(data.from), " to ", kit.time(data.to), `, a value a minute.`);
    $("ov-outcomes").replaceChildren(chart("Orders by outcome", minutes, outcomes, "bars"));
    $("ov-throughput").replaceChildren(
      chart("Throughput", minutes, [{ name: "processed", values: data.throughput, tone: "t-info" }], "lines"),
    );
    $("ov-depth").replaceChildren(
      chart(
        "DLQ depth",
        minutes,
        [
          { name: "OrdersDlq", values: data.depths.OrdersDlq, tone: "t-bad" },
          { name: "NotificationsDlq", values: data.depths.NotificationsDlq, tone: "t-warn" },
        ],
        "lines",
      ),
    );
    $("ov-notifications").replaceChildren(chart("Notifications", minutes, notifications, "lines"));
    const sum = (values: (number | null)[]) => String(values.reduce<number>((total, v) => total + (v ?? 0), 0));
    const peak = (values: (number | null)[]) => String(Math.max(0, ...values.map((v) => v ?? 0)));
    $("ov-totals").replaceChildren(
      kit.fields("Totals over the window", [
        ...outcomes.map((s): [string, string] => [`Orders ${s.name}`, sum(s.values)]),
        ["Orders processed", sum(data.throughput)],
        ["Processing failures (retried)", sum(counts.ProcessingFailures)],
        ["Notification sends failed", sum(counts.NotificationAttemptsFailed)],
        ["OrdersDlq depth, highest", peak(data.depths.OrdersDlq)],
        ["NotificationsDlq depth, highest", peak(data.depths.NotificationsDlq)],
      ]),
    );
  }

  async function load(): Promise<void> {
    try {
      show(await api<MetricsOverview>("GET", `/admin/metrics?minutes=${$<HTMLSelectElement>("ov-minutes").value}`));
    } catch (error) {
      kit.failed("Could not load the metrics", error);
    }
  }

  $("ov-refresh").addEventListener("click", () => void load());
  $("ov-minutes").addEventListener("change", () => void load());
  setInterval(() => {
    if (!$("app").hidden && !$("panel-overview").hidden) void load();
  }, 15_000);
  return { open: () => void load() };
}
