/**
 * The shapes the console's browser modules share. Types only: they are erased
 * before a module's function is serialized, so importing them costs nothing
 * in the page.
 */

/** What a cell, a field or a list item may hold: text (set with textContent) or a node built with `el`. */
export type Content = string | Node;

/** The helpers every tab gets, built once by `consoleKit` in the page. */
export interface Kit {
  /** The element with that id (the markup is static, so it exists). */
  $<T extends HTMLElement = HTMLElement>(id: string): T;
  /** A new element whose text is set with textContent, never parsed as HTML. */
  el(tag: string, text?: string, attrs?: Record<string, string>): HTMLElement;
  /** The page's one status line, or its error box when `kind` is "error" ("" hides it). */
  say(text: string, kind?: "status" | "error"): void;
  /** Calls the API with the operator's token; throws with the error body's message on a non-2xx answer. */
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Reports a failed call in the error box, unless the token was refused (the sign-in form says so). */
  failed(what: string, error: unknown): void;
  /** A table of text or nodes, with one header row. */
  table(label: string, columns: string[], rows: Content[][]): HTMLTableElement;
  /** A two-column table of names (row headers) and values, named `label`. */
  fields(label: string, pairs: [string, Content][]): HTMLTableElement;
  /** A `<time>` for an ISO timestamp, as `2026-12-05 20:10:09 UTC` (the console's one format), or a dash. */
  time(iso: string | undefined): Content;
  /** An amount in currency units, as `2,580.00` (the console's one format), or a dash. */
  amount(units: unknown): Content;
  /** An amount given in cents, shown as `amount` shows units. */
  cents(cents: number): Content;
  /** A value's raw JSON, folded behind a "Raw JSON" disclosure. */
  raw(value: unknown): HTMLElement;
  /** A button that runs `onClick`. */
  button(text: string, onClick: () => void, attrs?: Record<string, string>): HTMLButtonElement;
  /** Shows the sign-in form, with a message. */
  showLogin(message?: string): void;
  /** Keeps the operator's token for this browser tab. */
  signIn(token: string): void;
  /** Whether this browser tab holds a token. */
  signedIn(): boolean;
  /**
   * A queue that runs the work given to it one at a time, in order: a DLQ's listing receives the letters it shows
   * until it ends, so a redrive sent beside the tab's own listing would find them held and move nothing.
   */
  oneAtATime(): <T>(work: () => Promise<T>) => Promise<T>;
  /** Opens a tab, optionally on something (an order id for the Orders tab). Set by the shell. */
  go(tab: TabName, arg?: string): void;
}

export type TabName = "letters" | "overview" | "orders" | "stock" | "audit" | "notifications" | "webhooks";

/** A tab's behaviour: what to do when it is shown. */
export interface Tab {
  open(arg?: string): void;
}
