import type { Content, Kit, Tab } from "./types.ts";

/** The Dead letters tab's markup: static, no data in it. */
export const deadLettersPanel = `
<div id="panel-letters" role="tabpanel" aria-labelledby="tab-letters">
  <div class="toolbar">
    <label>Reason <select id="reason"><option value="">All reasons</option></select></label>
    <button id="refresh" type="button">Refresh</button>
    <button id="redrive-selected" class="primary" type="button" disabled>Redrive selected</button>
    <label>Rate (messages/s) <input id="rate" type="number" min="1" max="1000" value="10"></label>
    <button id="redrive-all" type="button">Redrive all</button>
  </div>
  <div id="empty" class="empty" hidden>The dead-letter queue is empty: nothing is waiting for an operator.</div>
  <table id="table" hidden>
    <thead><tr><th scope="col">Select</th><th scope="col">Order</th><th scope="col">Reason</th><th scope="col">Message</th><th scope="col">Attempts</th><th scope="col">Last failure</th><th scope="col">Actions</th></tr></thead>
    <tbody id="letters"></tbody>
  </table>
  <section id="detail" class="card" hidden aria-labelledby="detail-title">
    <h2 id="detail-title" tabindex="-1">Message</h2>
    <p id="detail-reason"></p>
    <div class="actions">
      <button id="detail-redrive" class="primary" type="button">Redrive this message</button>
      <button id="detail-dry-run" type="button">Dry run</button>
      <button id="detail-close" type="button">Close</button>
    </div>
    <div id="dry-run-result" aria-live="polite"></div>
    <h3>The message</h3><div id="detail-body"></div>
    <h3>Order record</h3><div id="detail-order"></div>
    <form id="edit-form">
      <h3>Edit and redrive</h3>
      <label for="edit-order">Order JSON</label>
      <textarea id="edit-order" spellcheck="false"></textarea>
      <ul id="edit-errors" aria-live="assertive"></ul>
      <button class="primary" type="submit">Validate and redrive</button>
    </form>
    <form id="discard-form">
      <h3>Discard</h3>
      <label>Reason <input id="discard-reason" required minlength="3" maxlength="500"></label>
      <button type="submit">Discard (keeps a copy in the audit)</button>
    </form>
  </section>
</div>`;

interface Failure {
  code: string;
  message: string;
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
}
/** The order record the DLQ listing joins to a message, as far as the detail shows it. */
interface LetterOrder {
  orderId?: string;
  status?: string;
  receivedAt?: string;
  failure?: { code: string; message?: string };
  payment?: { status: string; amountCents: number };
  saga?: unknown[];
}
interface Holds {
  reservations: { sku: string; quantity: number; status: string }[];
  payment?: { status: string; amountCents: number };
  stuck?: string;
}
interface Letter {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: string;
  messageAttributes: Record<string, string>;
  failure?: Failure;
  order?: LetterOrder;
  holds?: Holds;
}
interface SentOrder {
  id?: unknown;
  amount?: unknown;
  fromAccount?: unknown;
  toAccount?: unknown;
  items?: { sku: string; quantity: number; unitPrice: number }[];
}
interface DlqPage {
  depth: number;
  reasons: Record<string, number>;
  messages: Letter[];
  cursor?: string;
}
interface Detail {
  field: string;
  message: string;
}
interface DryRun {
  readable: boolean;
  valid?: boolean;
  errors: Detail[];
  wouldBe?: string;
  wouldWriteS3: boolean;
}

/**
 * The Dead letters tab: failures grouped by reason, details, dry run, edit,
 * redrive and discard. Runs in the page, serialized with toString():
 * self-contained, it gets everything through `kit`.
 */
export function deadLettersTab(kit: Kit): Tab {
  const { $, el, say, api } = kit;
  const state: { letters: Letter[]; selected: Set<string>; current?: Letter; reason: string } = {
    letters: [],
    selected: new Set(),
    reason: "",
  };

  function sentOrder(body: string): SentOrder | undefined {
    try {
      return JSON.parse(body).order ?? undefined;
    } catch {
      return undefined;
    }
  }

  /** A payment as one cell: its status and its amount (given in cents). */
  function payment(paid: { status: string; amountCents: number }): HTMLElement {
    const cell = el("span", `${paid.status} · `);
    cell.append(kit.cents(paid.amountCents));
    return cell;
  }

  /** The message's order as sent, readable, its raw body folded below. */
  function messageView(letter: Letter): Node[] {
    const order = sentOrder(letter.body);
    const items = order?.items?.length
      ? kit.table(
          "Items of the message",
          ["Sku", "Quantity", "Unit price"],
          order.items.map((item) => [item.sku, String(item.quantity), kit.amount(item.unitPrice)]),
        )
      : "none";
    const fields = kit.fields("The message", [
      ["Order", String(order?.id ?? "—")],
      ["Amount", kit.amount(order?.amount)],
      ["From account", String(order?.fromAccount ?? "—")],
      ["To account", String(order?.toAccount ?? "—")],
      ["Items", items],
      ["Sent", kit.time(letter.sentAt)],
      ["Receives", String(letter.receiveCount)],
    ]);
    return order
      ? [fields, kit.raw(letter.body)]
      : [el("p", "The body is not an order message."), kit.raw(letter.body)];
  }

  /** The order's record and what its saga holds now, readable, the raw record folded below. */
  function recordView(letter: Letter): Node[] {
    const record = letter.order;
    if (!record) return [el("p", "No order record yet.", { class: "none" })];
    const holds = letter.holds;
    const pairs: [string, Content][] = [
      ["Status", record.status ?? "—"],
      ["Received", kit.time(record.receivedAt)],
      [
        "Failure",
        record.failure ? `${record.failure.code}${record.failure.message ? `: ${record.failure.message}` : ""}` : "—",
      ],
      ["Payment", record.payment ? payment(record.payment) : "—"],
      ["Saga log", `${record.saga?.length ?? 0} entries`],
    ];
    if (holds) {
      const lines = holds.reservations.map((line) => `${line.sku} ×${line.quantity} ${line.status}`).join(", ");
      pairs.push(
        ["Holds now: stock", lines || "none"],
        ["Holds now: payment", holds.payment ? payment(holds.payment) : "none"],
      );
      if (holds.stuck) pairs.push(["Stuck", holds.stuck]);
    }
    return [kit.fields("Order record", pairs), kit.raw(record)];
  }

  function renderReasons(reasons: Record<string, number>): void {
    const select = $<HTMLSelectElement>("reason");
    select.replaceChildren(el("option", "All reasons", { value: "" }));
    for (const [code, count] of Object.entries(reasons).sort()) {
      select.append(el("option", `${code} (${count})`, { value: code }));
    }
    select.value = state.reason in reasons ? state.reason : "";
  }

  function renderRow(letter: Letter): HTMLElement {
    const row = el("tr");
    const box = el("input", undefined, {
      type: "checkbox",
      "aria-label": `Select message ${letter.messageId}`,
    }) as HTMLInputElement;
    box.checked = state.selected.has(letter.messageId);
    box.addEventListener("change", () => {
      if (box.checked) state.selected.add(letter.messageId);
      else state.selected.delete(letter.messageId);
      $<HTMLButtonElement>("redrive-selected").disabled = state.selected.size === 0;
    });
    const cell = el("td");
    cell.append(box);
    const action = el("td");
    action.append(kit.button("Details", () => showDetail(letter), { "aria-label": `Details of ${letter.messageId}` }));
    const orderId = String(letter.messageAttributes.orderId ?? letter.order?.orderId ?? "—");
    const when = el("td");
    when.append(kit.time(letter.failure?.lastFailedAt ?? letter.sentAt));
    row.append(
      cell,
      el("td", orderId),
      el("td", letter.failure?.code ?? "no recorded reason"),
      el("td", letter.failure?.message ?? ""),
      el("td", String(letter.failure?.attempts ?? letter.receiveCount)),
      when,
      action,
    );
    return row;
  }

  function renderTable(): void {
    const body = $("letters");
    body.replaceChildren();
    $("empty").hidden = state.letters.length > 0;
    $("table").hidden = state.letters.length === 0;
    const groups = new Map<string, Letter[]>();
    for (const letter of state.letters) {
      const code = letter.failure?.code ?? "NONE";
      groups.set(code, [...(groups.get(code) ?? []), letter]);
    }
    for (const [code, letters] of groups) {
      const header = el("tr", undefined, { class: "group" });
      header.append(el("th", `${code} · ${letters.length}`, { colspan: "7", scope: "rowgroup" }));
      body.append(header, ...letters.map(renderRow));
    }
  }

  // One request at a time against the DLQ from this tab (the table reloads when the depth moves), and at most one
  // reload waiting: the ids an action moves are taken when it is clicked.
  const inTurn = kit.oneAtATime();
  let reloadWaiting: Promise<void> | undefined;
  const refresh = () => {
    reloadWaiting ??= inTurn(() => {
      reloadWaiting = undefined;
      return load();
    });
    return reloadWaiting;
  };

  async function load(): Promise<void> {
    try {
      const query = state.reason ? `?reason=${encodeURIComponent(state.reason)}&limit=100` : "?limit=100";
      const page = await api<DlqPage>("GET", `/admin/dlq${query}`);
      state.letters = page.messages;
      const present = new Set(page.messages.map((letter) => letter.messageId));
      for (const id of state.selected) if (!present.has(id)) state.selected.delete(id);
      $("depth").textContent = String(page.depth);
      renderReasons(page.reasons);
      renderTable();
      $<HTMLButtonElement>("redrive-selected").disabled = state.selected.size === 0;
      say("", "error");
    } catch (error) {
      kit.failed("Could not load the DLQ", error);
    }
  }

  function showDetail(letter: Letter): void {
    state.current = letter;
    $("detail").hidden = false;
    $("detail-title").textContent = `Message ${letter.messageId}`;
    const failure = letter.failure;
    $("detail-reason").replaceChildren(
      ...(failure
        ? [
            `${failure.code}: ${failure.message} (attempts ${failure.attempts}, first `,
            kit.time(failure.firstFailedAt),
            ", last ",
            kit.time(failure.lastFailedAt),
            ")",
          ]
        : ["No reason was recorded for this message."]),
    );
    $("detail-body").replaceChildren(...messageView(letter));
    $("detail-order").replaceChildren(...recordView(letter));
    let order: unknown = {};
    try {
      order = JSON.parse(letter.body).order ?? {};
    } catch {
      order = { id: "", amount: 0, fromAccount: "", toAccount: "" };
    }
    $<HTMLTextAreaElement>("edit-order").value = JSON.stringify(order, null, 2);
    $("edit-errors").replaceChildren();
    $("dry-run-result").replaceChildren();
    $("detail-title").focus();
  }

  async function act(work: () => Promise<string>): Promise<void> {
    await inTurn(async () => {
      try {
        say(await work());
        $("detail").hidden = true;
        await load();
      } catch (error) {
        kit.failed("That did not work", error);
      }
    });
  }

  async function redrive(body: unknown): Promise<string> {
    const { results } = await api<{ results: { status: string }[] }>("POST", "/admin/dlq/redrive", body);
    const moved = results.filter((result) => result.status === "REDRIVEN").length;
    return `Redriven ${moved} of ${results.length} message(s).`;
  }

  async function edit(event: Event): Promise<void> {
    event.preventDefault();
    if (!state.current) return;
    const errors = $("edit-errors");
    errors.replaceChildren();
    let order: unknown;
    try {
      order = JSON.parse($<HTMLTextAreaElement>("edit-order").value);
    } catch {
      errors.append(el("li", "The order is not valid JSON."));
      return;
    }
    const letter = state.current;
    try {
      await inTurn(async () => {
        await api("POST", `/admin/dlq/${letter.messageId}/edit`, { order });
        say(`Edited and redriven ${letter.messageId}.`);
        $("detail").hidden = true;
        await load();
      });
    } catch (error) {
      const details = ((error as { payload?: { details?: Detail[] } }).payload?.details ?? []) as Detail[];
      if (details.length === 0) errors.append(el("li", (error as Error).message));
      for (const detail of details) errors.append(el("li", `${detail.field}: ${detail.message}`));
    }
  }

  $("refresh").addEventListener("click", () => void refresh());
  $("reason").addEventListener("change", () => {
    state.reason = $<HTMLSelectElement>("reason").value;
    void refresh();
  });
  $("redrive-selected").addEventListener("click", () => {
    const ids = [...state.selected];
    void act(() => redrive({ ids }));
  });
  $("redrive-all").addEventListener("click", () => {
    const rate = Number($<HTMLInputElement>("rate").value) || undefined;
    void act(() => redrive({ all: true, ...(rate ? { maxPerSecond: rate } : {}) }));
  });
  $("detail-redrive").addEventListener("click", () => {
    const id = state.current?.messageId;
    if (id) void act(() => redrive({ ids: [id] }));
  });
  $("detail-dry-run").addEventListener("click", async () => {
    if (!state.current) return;
    try {
      const id = state.current.messageId;
      const verdict = await inTurn(() => api<DryRun>("POST", `/admin/dlq/${id}/dry-run`));
      const errors = verdict.errors.map((error) => `${error.field}: ${error.message}`).join("; ");
      $("dry-run-result").replaceChildren(
        kit.fields("Dry run", [
          ["Readable", verdict.readable ? "yes" : "no"],
          ["Would be", verdict.wouldBe ?? "—"],
          ["Valid", verdict.valid === undefined ? "—" : verdict.valid ? "yes" : `no: ${errors}`],
          ["Would store its JSON", verdict.wouldWriteS3 ? "yes" : "no"],
        ]),
        kit.raw(verdict),
      );
    } catch (error) {
      kit.failed("The dry run failed", error);
    }
  });
  $("edit-form").addEventListener("submit", (event) => void edit(event));
  $("discard-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const letter = state.current;
    if (!letter) return;
    const reason = $<HTMLInputElement>("discard-reason").value;
    void act(async () => {
      await api("POST", `/admin/dlq/${letter.messageId}/discard`, { reason });
      return `Discarded ${letter.messageId}; its body is kept in the audit.`;
    });
  });
  $("detail-close").addEventListener("click", () => {
    $("detail").hidden = true;
  });

  // Keep the depth current without disturbing the table the operator is using. The depth is an
  // operator's figure (the public /health does not show it), read without receiving any message.
  // When the depth moves (a redrive elsewhere, a new failure), or reads 0 beside a table that still lists letters,
  // the table is stale: reload it. (Moves, not the listing's own depth: a listing receives the letters it shows,
  // so the depth read at its end may not count them yet.)
  let polled: number | undefined;
  setInterval(async () => {
    if ($("app").hidden) return;
    const answer = await api<{ depth?: unknown }>("GET", "/admin/dlq/depth").catch(() => undefined);
    if (typeof answer?.depth !== "number") return;
    $("depth").textContent = String(answer.depth);
    const stale = (polled !== undefined && answer.depth !== polled) || (answer.depth === 0 && state.letters.length > 0);
    polled = answer.depth;
    if (stale && !$("panel-letters").hidden) void refresh();
  }, 5000);

  return { open: () => void refresh() };
}
