import type { Kit, Tab } from "./types.ts";

/** The Notifications DLQ tab's markup: static, no data in it. */
export const notificationLettersPanel = `
<div id="panel-notifications" role="tabpanel" aria-labelledby="tab-notifications" hidden>
  <p>Order events whose webhook delivery ran out of tries. Fix the receiver, then redrive: an event delivered since is not sent again.</p>
  <div class="toolbar">
    <button id="nd-refresh" type="button">Refresh</button>
    <button id="nd-redrive-selected" class="primary" type="button" disabled>Redrive selected events</button>
    <button id="nd-redrive-all" type="button">Redrive every event</button>
    <span>Waiting: <strong id="nd-depth">–</strong></span>
  </div>
  <div id="nd-empty" class="empty" hidden>NotificationsDlq is empty: no order event is waiting for an operator.</div>
  <div id="nd-list"></div>
</div>`;

interface Delivery {
  status: string;
  attempts: number;
  lastError?: string;
  lastAttemptAt?: string;
}
/** The Notifier's recorded reason: the only one when it failed before any send. */
interface Failure {
  code: string;
  message: string;
  attempts: number;
  lastFailedAt: string;
}
interface NotificationLetter {
  messageId: string;
  sentAt: string;
  receiveCount: number;
  event?: { orderId: string; eventId: string; type: string; occurredAt: string };
  accountId?: string;
  delivery?: Delivery;
  failure?: Failure;
  problem?: string;
}

/**
 * The Notifications DLQ tab: each waiting order event with its payer, tries
 * and last error; redrive the selected ones or all, after which the table is
 * read again. Runs in the page, serialized with toString(): self-contained,
 * it gets everything through `kit`.
 */
export function notificationLettersTab(kit: Kit): Tab {
  const { $, el, api } = kit;
  const selected = new Set<string>();
  // One NotificationsDlq request at a time: its listing holds the letters it shows, as OrdersDlq's does.
  const inTurn = kit.oneAtATime();

  function eventCell(letter: NotificationLetter): HTMLElement {
    const cell = el("div");
    if (!letter.event) {
      cell.append(el("strong", "Not an order event"), el("div", letter.problem ?? "", { class: "detail" }));
      return cell;
    }
    const { orderId, type } = letter.event;
    const open = kit.button(orderId, () => kit.go("orders", orderId), { "aria-label": `Open order ${orderId}` });
    cell.append(open, el("div", type), el("div", `payer ${letter.accountId ?? "unknown"}`, { class: "detail" }));
    return cell;
  }

  function deliveryCell(letter: NotificationLetter): HTMLElement {
    const cell = el("div");
    const { delivery, failure } = letter;
    const reason = failure ? `${failure.code}: ${failure.message}` : undefined;
    if (!delivery && failure) {
      const tries = `${failure.code} after ${failure.attempts} ${failure.attempts === 1 ? "try" : "tries"}, none sent`;
      const when = el("div", "last try ", { class: "detail" });
      when.append(kit.time(failure.lastFailedAt));
      cell.append(el("strong", tries, { class: "bad" }), el("div", failure.message), when);
      return cell;
    }
    if (!delivery) {
      cell.append(el("span", "No attempt recorded", { class: "none" }));
      return cell;
    }
    const delivered = delivery.status === "DELIVERED";
    const tries = `${delivery.status} after ${delivery.attempts} ${delivery.attempts === 1 ? "try" : "tries"}`;
    cell.append(el("strong", tries, { class: delivered ? "good" : "bad" }));
    if (delivered) cell.append(el("div", "Delivered since: a redrive sends nothing.", { class: "detail" }));
    if (delivery.lastError) cell.append(el("div", delivery.lastError));
    // The Notifier's own reason, when it is not the send's: it failed after the send (recording it, say).
    if (reason && failure?.message !== delivery.lastError) cell.append(el("div", reason, { class: "detail" }));
    if (delivery.lastAttemptAt) {
      const when = el("div", "last try ", { class: "detail" });
      when.append(kit.time(delivery.lastAttemptAt));
      cell.append(when);
    }
    return cell;
  }

  function checkbox(letter: NotificationLetter): HTMLInputElement {
    const what = letter.event ? `${letter.event.type} of ${letter.event.orderId}` : letter.messageId;
    const box = el("input", undefined, { type: "checkbox", "aria-label": `Select ${what}` }) as HTMLInputElement;
    box.checked = selected.has(letter.messageId);
    box.addEventListener("change", () => {
      if (box.checked) selected.add(letter.messageId);
      else selected.delete(letter.messageId);
      $<HTMLButtonElement>("nd-redrive-selected").disabled = selected.size === 0;
    });
    return box;
  }

  function render(letters: NotificationLetter[], depth: number): void {
    $("nd-depth").textContent = String(depth);
    const present = new Set(letters.map((letter) => letter.messageId));
    for (const id of selected) if (!present.has(id)) selected.delete(id);
    $<HTMLButtonElement>("nd-redrive-selected").disabled = selected.size === 0;
    $("nd-empty").hidden = letters.length > 0;
    const rows = letters.map((letter) => [checkbox(letter), eventCell(letter), deliveryCell(letter)]);
    const table = kit.table("Order events waiting in NotificationsDlq", ["Select", "Event", "Delivery"], rows);
    table.classList.add("checks");
    $("nd-list").replaceChildren(...(letters.length > 0 ? [table] : []));
  }

  const refresh = () => inTurn(load);

  async function load(): Promise<void> {
    try {
      const page = await api<{ depth: number; messages: NotificationLetter[] }>(
        "GET",
        "/admin/notifications-dlq?limit=100",
      );
      render(page.messages, page.depth);
    } catch (error) {
      kit.failed("Could not load NotificationsDlq", error);
    }
  }

  async function redrive(body: unknown): Promise<void> {
    await inTurn(() => send(body));
    await refresh();
  }

  async function send(body: unknown): Promise<void> {
    try {
      const { results } = await api<{ results: { status: string }[] }>(
        "POST",
        "/admin/notifications-dlq/redrive",
        body,
      );
      const moved = results.filter((result) => result.status === "REDRIVEN").length;
      kit.say(`Redriven ${moved} of ${results.length} event(s) to NotificationsQueue.`);
    } catch (error) {
      kit.failed("The redrive failed", error);
    }
  }

  $("nd-refresh").addEventListener("click", () => void refresh());
  $("nd-redrive-selected").addEventListener("click", () => {
    const ids = [...selected];
    void redrive({ ids });
  });
  $("nd-redrive-all").addEventListener("click", () => void redrive({ all: true }));
  return { open: () => void refresh() };
}
