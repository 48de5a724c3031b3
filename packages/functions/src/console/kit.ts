import type { Content, Kit } from "./types.ts";

/**
 * The helpers every tab shares: DOM building, the status line, and the API
 * client that carries the operator's token. Runs in the page: the console
 * serializes this function with toString(), so it must stay self-contained
 * (no imports but types, no outer variables). Every value is set with
 * textContent, never as HTML: order bodies and reasons are untrusted input.
 */
export function consoleKit(): Kit {
  const TOKEN_KEY = "orders-admin-token";
  const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

  function el(tag: string, text?: string, attrs: Record<string, string> = {}): HTMLElement {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    return node;
  }

  function fill(node: HTMLElement, content: Content): HTMLElement {
    if (typeof content === "string") node.textContent = content;
    else node.append(content);
    return node;
  }

  function say(text: string, kind: "status" | "error" = "status"): void {
    const target = $(kind === "error" ? "error" : "status");
    target.textContent = text;
    if (kind === "error") target.hidden = text === "";
  }

  function showLogin(message = ""): void {
    $("login").hidden = false;
    $("app").hidden = true;
    $("login-message").textContent = message;
    $<HTMLInputElement>("token").focus();
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
    if (!response.ok) {
      const message = payload.message ?? `HTTP ${response.status}`;
      throw Object.assign(new Error(message), { payload, status: response.status });
    }
    return payload as T;
  }

  function failed(what: string, error: unknown): void {
    const message = (error as Error).message;
    if (message !== "unauthorized") say(`${what}: ${message}`, "error");
  }

  function table(label: string, columns: string[], rows: Content[][]): HTMLTableElement {
    const node = el("table", undefined, { "aria-label": label }) as HTMLTableElement;
    const head = el("tr");
    for (const column of columns) head.append(el("th", column, { scope: "col" }));
    node.append(el("thead"), el("tbody"));
    node.tHead?.append(head);
    for (const cells of rows) {
      const row = el("tr");
      for (const cell of cells) row.append(fill(el("td"), cell));
      node.tBodies[0]?.append(row);
    }
    return node;
  }

  function fields(label: string, pairs: [string, Content][]): HTMLTableElement {
    const node = el("table", undefined, { class: "fields", "aria-label": label }) as HTMLTableElement;
    const body = el("tbody");
    for (const [name, value] of pairs) {
      const row = el("tr");
      row.append(el("th", name, { scope: "row" }), fill(el("td"), value));
      body.append(row);
    }
    node.append(body);
    return node;
  }

  // The console's one format for a time and one for an amount: every tab shows them through these.
  function time(iso: string | undefined): Content {
    const at = iso ? new Date(iso) : undefined;
    if (!at || Number.isNaN(at.getTime())) return iso ?? "—";
    const text = `${at.toISOString().slice(0, 19).replace("T", " ")} UTC`;
    return el("time", text, { datetime: at.toISOString(), title: at.toISOString() });
  }

  function amount(units: unknown): Content {
    if (typeof units !== "number" || !Number.isFinite(units)) return units === undefined ? "—" : String(units);
    const text = units.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return el("span", text, { class: "amount" });
  }

  function raw(value: unknown): HTMLElement {
    const box = el("details", undefined, { class: "raw" });
    const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
    box.append(el("summary", "Raw JSON"), el("pre", text));
    return box;
  }

  function button(text: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
    const node = el("button", text, { type: "button", ...attrs }) as HTMLButtonElement;
    node.addEventListener("click", onClick);
    return node;
  }

  const signIn = (token: string) => sessionStorage.setItem(TOKEN_KEY, token);
  const signedIn = () => Boolean(sessionStorage.getItem(TOKEN_KEY));

  function oneAtATime() {
    let turn: Promise<unknown> = Promise.resolve();
    return <T>(work: () => Promise<T>): Promise<T> => {
      const next = turn.then(work, work);
      turn = next.catch(() => undefined);
      return next;
    };
  }

  return {
    $,
    el,
    say,
    api,
    failed,
    table,
    fields,
    time,
    amount,
    cents: (n: number) => amount(n / 100),
    raw,
    button,
    showLogin,
    signIn,
    signedIn,
    oneAtATime,
    go: () => {},
  };
}
