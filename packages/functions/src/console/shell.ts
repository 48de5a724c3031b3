import type { Kit, Tab, TabName } from "./types.ts";

/**
 * The console's frame: sign-in, and tabs that follow the WAI-ARIA tabs pattern
 * (the arrow keys, Home and End move between them; the URL's hash names the open one, so
 * `/console#orders/order-001` opens that order). Runs in the page, serialized
 * with toString(): self-contained, it gets everything through its arguments.
 */
export function consoleShell(kit: Kit, tabs: Record<TabName, Tab>): void {
  const names = Object.keys(tabs) as TabName[];

  function select(name: TabName, arg?: string, focus = false): void {
    for (const other of names) {
      const tab = kit.$(`tab-${other}`);
      tab.setAttribute("aria-selected", String(other === name));
      tab.tabIndex = other === name ? 0 : -1;
      kit.$(`panel-${other}`).hidden = other !== name;
    }
    if (focus) kit.$(`tab-${name}`).focus();
    history.replaceState(null, "", `#${name}${arg ? `/${encodeURIComponent(arg)}` : ""}`);
    // A banner speaks of what was done on the tab left behind: it goes with it.
    kit.say("", "error");
    kit.say("");
    tabs[name].open(arg);
  }

  function fromHash(): void {
    const [name, arg] = location.hash.slice(1).split("/");
    const known = names.find((candidate) => candidate === name);
    select(known ?? "letters", known && arg ? decodeURIComponent(arg) : undefined);
  }

  kit.go = (name, arg) => select(name, arg);
  // A link, a bookmark or the address bar changing the hash navigates, as a click on the tab would.
  window.addEventListener("hashchange", () => {
    if (!kit.$("app").hidden) fromHash();
  });
  for (const [index, name] of names.entries()) {
    const tab = kit.$(`tab-${name}`);
    tab.addEventListener("click", () => select(name));
    tab.addEventListener("keydown", (event) => {
      const last = names.length - 1;
      const target = {
        ArrowRight: (index + 1) % names.length,
        ArrowLeft: (index + last) % names.length,
        Home: 0,
        End: last,
      }[event.key];
      if (target === undefined) return;
      event.preventDefault();
      select(names[target] ?? name, undefined, true);
    });
  }

  function showApp(): void {
    kit.$("login").hidden = true;
    kit.$("app").hidden = false;
    fromHash();
  }

  kit.$("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    kit.signIn(kit.$<HTMLInputElement>("token").value.trim());
    showApp();
  });
  if (kit.signedIn()) showApp();
  else kit.showLogin();
}
