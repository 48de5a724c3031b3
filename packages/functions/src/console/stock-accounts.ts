import type { Kit, Tab } from "./types.ts";

/** The Inventory and accounts tab's markup. */
export const stockAccountsPanel = `
<div id="panel-stock" role="tabpanel" aria-labelledby="tab-stock" hidden>
  <div class="columns">
    <section class="card" aria-labelledby="stock-title">
      <h2 id="stock-title">Stock</h2>
      <form id="stock-form" class="toolbar" aria-label="Show a sku's stock">
        <label>Sku <input id="stock-sku" required maxlength="64" autocomplete="off"></label>
        <button type="submit">Show stock</button>
      </form>
      <div id="stock-result"></div>
      <form id="stock-set-form" class="toolbar" aria-label="Set a sku's stock">
        <label>New on-hand count <input id="stock-on-hand" type="number" min="0" step="1" required></label>
        <button type="submit">Set stock</button>
      </form>
    </section>
    <section class="card" aria-labelledby="account-title">
      <h2 id="account-title">Account</h2>
      <form id="account-form" class="toolbar" aria-label="Show an account">
        <label>Account id <input id="account-id" required inputmode="numeric" pattern="[0-9]{7,20}" autocomplete="off"></label>
        <button type="submit">Show account</button>
      </form>
      <div id="account-result"></div>
    </section>
  </div>
</div>`;

interface StockLevel {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  updatedAt: string;
}
interface Account {
  accountId: string;
  balance: number;
  held: number;
  available: number;
  entries: { transferId: string; kind: string; amount: number; status: string; at: string; orderId?: string }[];
}

/**
 * The Inventory and accounts tab: a sku's stock (and setting its count), an
 * account's balance, holds and latest ledger entries; an entry's order opens
 * in the Orders tab. Runs in the page, serialized with toString():
 * self-contained, it gets everything through `kit`.
 */
export function stockAccountsTab(kit: Kit): Tab {
  const { $, el, api, say } = kit;
  const value = (id: string) => $<HTMLInputElement>(id).value.trim();

  function showStock(level: StockLevel): void {
    $("stock-result").replaceChildren(
      kit.fields("Stock level", [
        ["Sku", level.sku],
        ["On hand", String(level.onHand)],
        ["Reserved", String(level.reserved)],
        ["Available", String(level.available)],
        ["Updated", kit.time(level.updatedAt)],
      ]),
    );
  }

  async function stock(method: "GET" | "PUT"): Promise<void> {
    const sku = value("stock-sku");
    if (!sku) return void $("stock-sku").focus();
    try {
      const body = method === "PUT" ? { onHand: Number(value("stock-on-hand")) } : undefined;
      showStock(await api<StockLevel>(method, `/inventory/${encodeURIComponent(sku)}`, body));
      if (method === "PUT") say(`Stock of ${sku} set.`);
    } catch (error) {
      $("stock-result").replaceChildren();
      kit.failed(method === "PUT" ? `Could not set the stock of ${sku}` : `Could not read the stock of ${sku}`, error);
    }
  }

  async function account(): Promise<void> {
    const id = value("account-id");
    try {
      const found = await api<Account>("GET", `/accounts/${encodeURIComponent(id)}`);
      const entries = found.entries.map((entry) => [
        kit.time(entry.at),
        entry.kind,
        kit.amount(entry.amount),
        entry.status,
        entry.transferId,
        entry.orderId ? kit.button(entry.orderId, () => kit.go("orders", entry.orderId)) : "—",
      ]);
      $("account-result").replaceChildren(
        kit.fields("Account balances", [
          ["Account", found.accountId],
          ["Balance", kit.amount(found.balance)],
          ["Held", kit.amount(found.held)],
          ["Available", kit.amount(found.available)],
        ]),
        el("h3", `Latest ledger entries (${found.entries.length}, newest first)`),
        entries.length
          ? kit.table("Ledger entries", ["When", "Kind", "Amount", "Status", "Transfer", "Order"], entries)
          : el("p", "none", { class: "none" }),
      );
    } catch (error) {
      $("account-result").replaceChildren();
      kit.failed(`Could not read account ${id}`, error);
    }
  }

  $("stock-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void stock("GET");
  });
  $("stock-set-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void stock("PUT");
  });
  $("account-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void account();
  });

  // Opening the tab leaves the focus on the tab, as the tabs pattern expects.
  return { open: () => {} };
}
