/**
 * The DLQ console's browser code. It runs in the page, not in Lambda: the
 * console handler serves `consoleApp.toString()`, so this function must stay
 * self-contained (no imports, no outer variables). Every value from a message
 * is set with `textContent`, never as HTML: bodies are untrusted input.
 */
export function consoleApp(): void {
  interface Failure {
    code: string;
    message: string;
    attempts: number;
    firstFailedAt: string;
    lastFailedAt: string;
  }
  interface Letter {
    messageId: string;
    body: string;
    receiveCount: number;
    sentAt: string;
    messageAttributes: Record<string, string>;
    failure?: Failure;
    order?: Record<string, unknown>;
    holds?: Record<string, unknown>;
  }
  interface Page {
    depth: number;
    reasons: Record<string, number>;
    messages: Letter[];
    cursor?: string;
  }
  interface Detail {
    field: string;
    message: string;
  }

  const TOKEN_KEY = "orders-admin-token";
  const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const state: { letters: Letter[]; selected: Set<string>; current?: Letter; reason: string } = {
    letters: [],
    selected: new Set(),
    reason: "",
  };

  function el(tag: string, text?: string, attrs: Record<string, string> = {}): HTMLElement {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    return node;
  }

  function say(text: string, kind: "status" | "error" = "status"): void {
    const target = $(kind === "error" ? "error" : "status");
    target.textContent = text;
    if (kind === "error") target.hidden = text === "";
  }

  function pretty(text: string): string {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }

  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ""}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload = await response.json().catch(() => ({}));
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin("That token was refused. Enter the admin token again.");
      throw new Error("unauthorized");
    }
    if (!response.ok) throw Object.assign(new Error(payload.message ?? `HTTP ${response.status}`), { payload });
    return payload as T;
  }

  function showLogin(message = ""): void {
    $("login").hidden = false;
    $("app").hidden = true;
    $("login-message").textContent = message;
    $<HTMLInputElement>("token").focus();
  }

  function showApp(): void {
    $("login").hidden = true;
    $("app").hidden = false;
    void refresh();
  }

  function renderReasons(reasons: Record<string, number>): void {
    const select = $<HTMLSelectElement>("reason");
    select.replaceChildren(el("option", "All reasons", { value: "" }));
    for (const [code, count] of Object.entries(reasons).sort()) {
      select.append(el("option", `${code} (${count})`, { value: code }));
    }
    select.value = state.reason in reasons ? state.reason : "";
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
      body.append(header);
      for (const letter of letters) {
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
        const open = el("button", "Details", { type: "button", "aria-label": `Details of ${letter.messageId}` });
        open.addEventListener("click", () => showDetail(letter));
        const action = el("td");
        action.append(open);
        const orderId = String(letter.messageAttributes.orderId ?? letter.order?.orderId ?? "—");
        row.append(
          cell,
          el("td", orderId),
          el("td", letter.failure?.code ?? "no recorded reason"),
          el("td", letter.failure?.message ?? ""),
          el("td", String(letter.failure?.attempts ?? letter.receiveCount)),
          el("td", letter.failure?.lastFailedAt ?? letter.sentAt),
          action,
        );
        body.append(row);
      }
    }
  }

  async function refresh(): Promise<void> {
    try {
      const query = state.reason ? `?reason=${encodeURIComponent(state.reason)}&limit=100` : "?limit=100";
      const page = await api<Page>("GET", `/admin/dlq${query}`);
      state.letters = page.messages;
      const present = new Set(page.messages.map((letter) => letter.messageId));
      for (const id of state.selected) if (!present.has(id)) state.selected.delete(id);
      $("depth").textContent = String(page.depth);
      renderReasons(page.reasons);
      renderTable();
      $<HTMLButtonElement>("redrive-selected").disabled = state.selected.size === 0;
      say("", "error");
    } catch (error) {
      if ((error as Error).message !== "unauthorized")
        say(`Could not load the DLQ: ${(error as Error).message}`, "error");
    }
  }

  function showDetail(letter: Letter): void {
    state.current = letter;
    $("detail").hidden = false;
    $("detail-title").textContent = `Message ${letter.messageId}`;
    $("detail-reason").textContent = letter.failure
      ? `${letter.failure.code}: ${letter.failure.message} (attempts ${letter.failure.attempts}, first ${letter.failure.firstFailedAt}, last ${letter.failure.lastFailedAt})`
      : "No reason was recorded for this message.";
    $("detail-body").textContent = pretty(letter.body);
    const record = letter.order ? JSON.stringify(letter.order, null, 2) : "No order record yet.";
    const holds = letter.holds ? `\n\nWhat its saga holds now:\n${JSON.stringify(letter.holds, null, 2)}` : "";
    $("detail-order").textContent = record + holds;
    let order: unknown = {};
    try {
      order = JSON.parse(letter.body).order ?? {};
    } catch {
      order = { id: "", amount: 0, fromAccount: "", toAccount: "" };
    }
    $<HTMLTextAreaElement>("edit-order").value = JSON.stringify(order, null, 2);
    $("edit-errors").replaceChildren();
    $("dry-run-result").textContent = "";
    $("detail-title").focus();
  }

  async function act(work: () => Promise<string>): Promise<void> {
    try {
      say(await work());
      $("detail").hidden = true;
      await refresh();
    } catch (error) {
      if ((error as Error).message !== "unauthorized") say((error as Error).message, "error");
    }
  }

  async function redrive(body: unknown): Promise<string> {
    const { results } = await api<{ results: { status: string }[] }>("POST", "/admin/dlq/redrive", body);
    const moved = results.filter((result) => result.status === "REDRIVEN").length;
    return `Redriven ${moved} of ${results.length} message(s).`;
  }

  async function loadAudit(): Promise<void> {
    try {
      const { entries } = await api<{ entries: Record<string, string>[] }>("GET", "/admin/audit?limit=100");
      const body = $("audit-rows");
      body.replaceChildren();
      $("audit-empty").hidden = entries.length > 0;
      for (const entry of entries) {
        const row = el("tr");
        for (const key of ["at", "action", "actor", "oldMessageId", "newMessageId", "orderId", "result", "detail"]) {
          row.append(el("td", entry[key] ?? ""));
        }
        body.append(row);
      }
    } catch (error) {
      if ((error as Error).message !== "unauthorized")
        say(`Could not load the audit: ${(error as Error).message}`, "error");
    }
  }

  function selectTab(name: "letters" | "audit"): void {
    for (const tab of ["letters", "audit"]) {
      $(`tab-${tab}`).setAttribute("aria-selected", String(tab === name));
      $(`panel-${tab}`).hidden = tab !== name;
    }
    if (name === "audit") void loadAudit();
  }

  $("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $<HTMLInputElement>("token").value.trim());
    showApp();
  });
  $("refresh").addEventListener("click", () => void refresh());
  $("reason").addEventListener("change", () => {
    state.reason = $<HTMLSelectElement>("reason").value;
    void refresh();
  });
  $("redrive-selected").addEventListener("click", () => void act(() => redrive({ ids: [...state.selected] })));
  $("redrive-all").addEventListener("click", () => {
    const rate = Number($<HTMLInputElement>("rate").value) || undefined;
    void act(() => redrive({ all: true, ...(rate ? { maxPerSecond: rate } : {}) }));
  });
  $("detail-redrive").addEventListener("click", () => {
    if (state.current) void act(() => redrive({ ids: [state.current?.messageId] }));
  });
  $("detail-dry-run").addEventListener("click", async () => {
    if (!state.current) return;
    try {
      const verdict = await api<Record<string, unknown>>("POST", `/admin/dlq/${state.current.messageId}/dry-run`);
      $("dry-run-result").textContent = JSON.stringify(verdict, null, 2);
    } catch (error) {
      say((error as Error).message, "error");
    }
  });
  $("edit-form").addEventListener("submit", async (event) => {
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
    try {
      await api("POST", `/admin/dlq/${state.current.messageId}/edit`, { order });
      say(`Edited and redriven ${state.current.messageId}.`);
      $("detail").hidden = true;
      await refresh();
    } catch (error) {
      const details = ((error as { payload?: { details?: Detail[] } }).payload?.details ?? []) as Detail[];
      if (details.length === 0) errors.append(el("li", (error as Error).message));
      for (const detail of details) errors.append(el("li", `${detail.field}: ${detail.message}`));
    }
  });
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
  $("tab-letters").addEventListener("click", () => selectTab("letters"));
  $("tab-audit").addEventListener("click", () => selectTab("audit"));

  // Keep the depth current without disturbing the table the operator is using.
  setInterval(async () => {
    if ($("app").hidden) return;
    const health = await fetch("/health")
      .then((response) => response.json())
      .catch(() => undefined);
    const depth = health?.checks?.dlq?.depth;
    if (typeof depth === "number") $("depth").textContent = String(depth);
  }, 5000);
  if (sessionStorage.getItem(TOKEN_KEY)) showApp();
  else showLogin();
}
