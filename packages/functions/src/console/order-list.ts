import { LISTED_STATUSES, type ListedOrder as Listed } from "@orders/core/domain/order-listing";
import type { Kit } from "./types.ts";

const statusOptions = LISTED_STATUSES.map((status) => `<option>${status}</option>`).join("");

/** The search and the account listing's markup, inside the Orders tab. */
export const orderListMarkup = `
<form id="order-search-form" class="toolbar" aria-label="Search all orders">
  <label>Status <select id="search-status"><option value="">any</option>${statusOptions}</select></label>
  <label>Received from (UTC) <input id="search-from" type="datetime-local" step="1"></label>
  <label>Received before (UTC) <input id="search-to" type="datetime-local" step="1"></label>
  <button type="submit">Search orders</button>
</form>
<form id="order-list-form" class="toolbar" aria-label="Orders of an account">
  <label>Payer or payee account <input id="list-account" required inputmode="numeric" pattern="[0-9]{7,20}" autocomplete="off"></label>
  <label>Role <select id="list-role"><option value="payer">payer</option><option value="payee">payee</option></select></label>
  <label>With status <select id="list-status"><option value="">any</option>${statusOptions}</select></label>
  <label>Page size <input id="list-limit" type="number" min="1" max="100" value="20"></label>
  <button type="submit">List orders</button>
</form>
<div id="order-list"></div>
<p><button id="order-list-more" type="button" hidden>More orders</button></p>`;

/**
 * Finds orders, newest first, a page at a time: every account's by status
 * and time (`GET /admin/orders`), or one account's as payer or payee (`GET
 * /accounts/{id}/orders`); a row opens its order. Runs in the page,
 * serialized with toString(): self-contained, it gets everything through
 * `kit`.
 */
export function orderList(kit: Kit): void {
  const { $, el, api } = kit;
  let cursor: string | undefined;
  let rows: Listed[] = [];
  // What is listed: its table's name and the path of a page (with the query), for "More orders".
  let listing = { label: "", path: "" };

  function row(order: Listed): HTMLTableRowElement {
    const open = kit.button(order.id, () => kit.go("orders", order.id), { "aria-label": `Open order ${order.id}` });
    const cells = [
      open,
      order.status,
      kit.amount(order.amount),
      order.fromAccount,
      order.toAccount,
      kit.time(order.receivedAt),
      kit.time(order.resolvedAt),
      order.refunded ? "yes" : "",
      order.failure?.code ?? "",
    ];
    const tr = el("tr", undefined, { class: "clickable" }) as HTMLTableRowElement;
    for (const cell of cells) {
      const td = el("td");
      td.append(cell);
      tr.append(td);
    }
    tr.addEventListener("click", (event) => {
      if (event.target !== open) kit.go("orders", order.id);
    });
    return tr;
  }

  function show(): void {
    const columns = ["Order", "Status", "Amount", "From", "To", "Received", "Resolved", "Refunded", "Failure"];
    const table = kit.table(listing.label, columns, []);
    table.tBodies[0]?.append(...rows.map(row));
    // A status filter may skip a whole page of orders: an empty page can still have a next one.
    const empty = cursor === undefined ? "No orders match." : "None on this page; there may be more.";
    $("order-list").replaceChildren(rows.length ? table : el("p", empty, { class: "none" }));
    $("order-list-more").hidden = cursor === undefined;
  }

  async function fetchPage(more: boolean): Promise<void> {
    const path = more && cursor ? `${listing.path}&cursor=${encodeURIComponent(cursor)}` : listing.path;
    try {
      const page = await api<{ orders: Listed[]; cursor?: string }>("GET", path);
      rows = more ? [...rows, ...page.orders] : page.orders;
      cursor = page.cursor;
      show();
    } catch (error) {
      kit.failed(`Could not list the ${listing.label.toLowerCase()}`, error);
    }
  }

  /** A `datetime-local` field's value, read as UTC (the console shows every time in UTC). */
  const utc = (id: string) => {
    const value = $<HTMLInputElement>(id).value;
    return value ? new Date(`${value}Z`).toISOString() : "";
  };

  $("order-search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const query = new URLSearchParams({ limit: $<HTMLInputElement>("list-limit").value || "20" });
    for (const [name, value] of [
      ["status", $<HTMLSelectElement>("search-status").value],
      ["from", utc("search-from")],
      ["to", utc("search-to")],
    ] as const) {
      if (value) query.set(name, value);
    }
    listing = { label: "Orders found", path: `/admin/orders?${query}` };
    void fetchPage(false);
  });
  $("order-list-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const account = $<HTMLInputElement>("list-account").value.trim();
    const query = new URLSearchParams({ role: $<HTMLSelectElement>("list-role").value });
    const status = $<HTMLSelectElement>("list-status").value;
    if (status) query.set("status", status);
    query.set("limit", $<HTMLInputElement>("list-limit").value || "20");
    listing = { label: "Orders of the account", path: `/accounts/${encodeURIComponent(account)}/orders?${query}` };
    void fetchPage(false);
  });
  $("order-list-more").addEventListener("click", () => void fetchPage(true));
}
