import type { Content, Kit } from "./types.ts";

/** `GET /orders/{id}`'s body, as far as the console shows it. */
export interface OrderLookup {
  order: {
    id: string;
    status: string;
    amount?: unknown;
    fromAccount?: unknown;
    toAccount?: unknown;
    channel: string;
    items?: { sku: string; quantity: number; unitPrice: number }[];
    failure?: { code: string; message?: string; details?: unknown };
    cancellation?: { reason: string; requestedAt: string };
    refunded?: boolean;
    valid: boolean;
    isDuplicate: boolean;
    errors?: { field?: string; message?: string }[];
    receivedAt: string;
    processedAt?: string;
  };
  duplicates: { submissionId: string; receivedAt: string; sameAsOriginal: boolean }[];
  jsonUrl?: string;
  payment?: { status: string; amount: number };
  reservations?: { sku: string; quantity: number; status: string }[];
  saga?: { step: string; outcome: string; attempt: number; at: string; detail?: string }[];
  notifications?: {
    eventId: string;
    type: string;
    status: string;
    accountId?: string;
    attempts: number;
    occurredAt?: string;
    lastAttemptAt?: string;
    deliveredAt?: string;
    responseStatus?: number;
    lastError?: string;
  }[];
}

/**
 * Builds the view of one order: its summary, payment, reservations, saga
 * timeline, cancellation and notifications, each section saying "none" when
 * the order has none. Runs in the page, serialized with toString():
 * self-contained, it gets everything through `kit`.
 */
export function orderView(kit: Kit, trace?: (orderId: string) => Node): (body: OrderLookup) => Node[] {
  const { el } = kit;
  const text = (value: unknown) => (value === undefined || value === null ? "—" : String(value));
  const none = () => el("p", "none", { class: "none" });

  function section(title: string, content: Content | undefined): Node[] {
    const heading = el("h3", title);
    return [heading, content === undefined ? none() : typeof content === "string" ? el("p", content) : content];
  }

  function summary({ order, duplicates }: OrderLookup): HTMLElement {
    const failure = order.failure
      ? `${order.failure.code}${order.failure.message ? `: ${order.failure.message}` : ""}`
      : "—";
    return kit.fields("Order summary", [
      ["Status", el("strong", order.status, { class: `status status-${order.status.toLowerCase()}` })],
      ["Amount", kit.amount(order.amount)],
      ["From account", text(order.fromAccount)],
      ["To account", text(order.toAccount)],
      ["Channel", order.channel],
      ["Valid", order.valid ? "yes" : `no: ${(order.errors ?? []).map((e) => e.message ?? e.field).join("; ")}`],
      ["Received", kit.time(order.receivedAt)],
      ["Processed", kit.time(order.processedAt)],
      ["Failure", failure],
      ["Refunded", order.refunded ? "yes" : "no"],
      ["Duplicates", String(duplicates.length)],
    ]);
  }

  function payment(paid: NonNullable<OrderLookup["payment"]>): HTMLElement {
    const line = el("p", `${paid.status} · `);
    line.append(kit.amount(paid.amount));
    return line;
  }

  function timeline(saga: NonNullable<OrderLookup["saga"]>): HTMLElement {
    const list = el("ol", undefined, { class: "timeline", "aria-label": "Saga timeline" });
    for (const entry of saga) {
      const item = el("li");
      item.append(
        kit.time(entry.at),
        " ",
        el("strong", entry.step),
        " ",
        el("span", entry.outcome, { class: "outcome" }),
        ` · ${entry.attempt === 0 ? "sweeper or discard" : `attempt ${entry.attempt}`}`,
      );
      if (entry.detail) item.append(el("span", ` · ${entry.detail}`, { class: "detail" }));
      list.append(item);
    }
    return list;
  }

  return function render(body: OrderLookup): Node[] {
    const { order } = body;
    const items = order.items?.length
      ? kit.table(
          "Items",
          ["Sku", "Quantity", "Unit price"],
          order.items.map((item) => [item.sku, String(item.quantity), kit.amount(item.unitPrice)]),
        )
      : undefined;
    const reservations = body.reservations?.length
      ? kit.table(
          "Reservations",
          ["Sku", "Quantity", "Status"],
          body.reservations.map((line) => [line.sku, String(line.quantity), line.status]),
        )
      : undefined;
    const cancellation = order.cancellation
      ? kit.fields("Cancellation", [
          ["Reason", order.cancellation.reason],
          ["Requested", kit.time(order.cancellation.requestedAt)],
          ["Refunded", order.refunded ? "yes" : "no"],
        ])
      : undefined;
    const notifications = body.notifications?.length
      ? kit.table(
          "Notifications",
          ["Type", "Status", "To account", "Attempts", "Occurred", "Last attempt", "Delivered", "Answer", "Event"],
          body.notifications.map((n) => [
            n.type,
            n.status,
            text(n.accountId),
            String(n.attempts),
            kit.time(n.occurredAt),
            kit.time(n.lastAttemptAt),
            kit.time(n.deliveredAt),
            [n.responseStatus, n.lastError].filter((part) => part !== undefined).join(" · ") || "—",
            n.eventId,
          ]),
        )
      : undefined;
    // The presigned link comes from this API; anything but http(s) is not shown as a link.
    const stored =
      body.jsonUrl && /^https?:\/\//.test(body.jsonUrl) ? el("a", "Download", { href: body.jsonUrl }) : undefined;
    return [
      summary(body),
      ...section("Stored JSON", stored),
      ...section("Items", items),
      ...section("Payment", body.payment ? payment(body.payment) : undefined),
      ...section("Reservations", reservations),
      ...section("Saga timeline", body.saga?.length ? timeline(body.saga) : undefined),
      ...section("Cancellation", cancellation),
      ...section("Notifications", notifications),
      // Its spans, from POST /orders to the webhook (console/trace.ts).
      ...(trace ? section("Trace", trace(order.id)) : []),
    ];
  };
}
