import type { OrderLookup } from "./order-view.ts";
import type { Kit, Tab } from "./types.ts";

/** The Orders tab's markup: the lookup, the account listing (`listMarkup`), and the order's card. */
export function ordersPanel(listMarkup: string): string {
  return `
<div id="panel-orders" role="tabpanel" aria-labelledby="tab-orders" hidden>
  <form id="order-lookup" class="toolbar" aria-label="Look up an order">
    <label>Order id <input id="order-id" required maxlength="64" size="40" autocomplete="off" spellcheck="false"></label>
    <button class="primary" type="submit">Look up</button>
  </form>
  ${listMarkup}
  <section id="order" class="card" hidden aria-labelledby="order-title">
    <h2 id="order-title" tabindex="-1">Order</h2>
    <div class="actions">
      <button id="order-reload" type="button">Reload</button>
      <button id="order-cancel" type="button">Cancel order</button>
      <button id="order-verify" type="button">Verify consistency</button>
    </div>
    <form id="cancel-form" class="toolbar" hidden aria-label="Cancel the order">
      <label>Cancellation reason <input id="cancel-reason" required minlength="1" maxlength="500"></label>
      <button class="primary" type="submit">Confirm cancellation</button>
      <button id="cancel-dismiss" type="button">Keep the order</button>
    </form>
    <div id="order-verify-result"></div>
    <div id="order-body"></div>
  </section>
</div>`;
}

interface Consistency {
  consistent: boolean;
  checks: { name: string; ok: boolean; expected: unknown; actual: unknown }[];
}

/**
 * The Orders tab: look an order up, cancel it, verify it. While an order is
 * CANCELLING the tab reloads it every second until it ends. Runs in the
 * page, serialized with toString(): self-contained, it gets everything
 * through its arguments (`render` builds the order's view).
 */
export function ordersTab(kit: Kit, render: (body: OrderLookup) => Node[]): Tab {
  const { $, el, api, say } = kit;
  let current = "";
  let poll: ReturnType<typeof setTimeout> | undefined;

  /** Shows order `id`; `following` when reloading it until its cancellation ends. */
  async function load(id: string, focus = false, following = false): Promise<void> {
    clearTimeout(poll);
    current = id;
    try {
      const body = await api<OrderLookup>("GET", `/orders/${encodeURIComponent(id)}`);
      if (id !== current) return;
      $("order").hidden = false;
      $("order-title").textContent = `Order ${body.order.id} · ${body.order.status}`;
      $("order-body").replaceChildren(...render(body));
      $<HTMLButtonElement>("order-cancel").disabled = !["PENDING", "CONFIRMED"].includes(body.order.status);
      if (focus) $("order-title").focus();
      if (body.order.status === "CANCELLING") poll = setTimeout(() => void load(id, false, true), 1000);
      else if (following) say(`Order ${id}: ${body.order.status}.`);
    } catch (error) {
      $("order").hidden = true;
      kit.failed(`Could not read order ${id}`, error);
    }
  }

  function open(id: string): void {
    $<HTMLInputElement>("order-id").value = id;
    $("order-verify-result").replaceChildren();
    $("cancel-form").hidden = true;
    say("", "error");
    void load(id, true);
  }

  async function cancel(reason: string): Promise<void> {
    const id = current;
    try {
      const answer = await api<{ status: string }>("POST", `/orders/${encodeURIComponent(id)}/cancel`, { reason });
      say(`Order ${id}: ${answer.status}.`);
      $("cancel-form").hidden = true;
      $("order-verify-result").replaceChildren();
      await load(id, false, true);
    } catch (error) {
      kit.failed(`Could not cancel ${id}`, error);
    }
  }

  async function verify(): Promise<void> {
    const id = current;
    const target = $("order-verify-result");
    try {
      const result = await api<Consistency>("POST", `/orders/${encodeURIComponent(id)}/verify-consistency`);
      const failed = result.checks.filter((check) => !check.ok).length;
      const verdict = result.consistent
        ? `Consistent: all ${result.checks.length} checks passed.`
        : `Inconsistent: ${failed} of ${result.checks.length} checks failed.`;
      // The archive check compares whole JSON documents: long values are cut, whole in their title.
      const show = (value: unknown) => {
        const text = JSON.stringify(value) ?? "—";
        return text.length <= 120 ? text : el("span", `${text.slice(0, 120)}…`, { title: text });
      };
      target.replaceChildren(
        el("h3", "Consistency"),
        el("p", verdict, { class: result.consistent ? "good" : "bad" }),
        Object.assign(
          kit.table(
            "Consistency checks",
            ["Check", "Result", "Expected", "Actual"],
            result.checks.map((check) => [
              check.name,
              check.ok ? "ok" : "FAILED",
              show(check.expected),
              show(check.actual),
            ]),
          ),
          { className: "checks" },
        ),
        el("p", "Amounts in the checks are in cents.", { class: "none" }),
      );
    } catch (error) {
      kit.failed(`Could not verify ${id}`, error);
    }
  }

  $("order-lookup").addEventListener("submit", (event) => {
    event.preventDefault();
    kit.go("orders", $<HTMLInputElement>("order-id").value.trim());
  });
  $("order-reload").addEventListener("click", () => void load(current));
  $("order-cancel").addEventListener("click", () => {
    $("cancel-form").hidden = false;
    $("cancel-reason").focus();
  });
  $("cancel-dismiss").addEventListener("click", () => {
    $("cancel-form").hidden = true;
  });
  $("cancel-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void cancel($<HTMLInputElement>("cancel-reason").value.trim());
  });
  $("order-verify").addEventListener("click", () => void verify());

  // Opening the tab on no order leaves the focus on the tab, as the tabs pattern expects.
  return { open: (id) => id && open(id) };
}
