import { auditPanel, auditTab } from "./audit.ts";
import { deadLettersPanel, deadLettersTab } from "./dead-letters.ts";
import { consoleKit } from "./kit.ts";
import { notificationLettersPanel, notificationLettersTab } from "./notification-letters.ts";
import { orderList, orderListMarkup } from "./order-list.ts";
import { orderView } from "./order-view.ts";
import { ordersPanel, ordersTab } from "./orders.ts";
import { overviewPanel, overviewTab } from "./overview.ts";
import { consoleShell } from "./shell.ts";
import { stockAccountsPanel, stockAccountsTab } from "./stock-accounts.ts";
import { styles } from "./styles.ts";
import { orderTrace } from "./trace.ts";
import { circuitState, webhooksPanel, webhooksTab } from "./webhooks.ts";

/** `(source)(args)`: a module's browser function, serialized to run in the page. */
const call = (fn: (...args: never[]) => unknown, ...args: string[]) => `(${fn.toString()})(${args.join(", ")})`;

// Each module's function is self-contained and gets what it needs as
// arguments, so serializing them one by one is enough: no bundler, and the
// same text runs whether Node stripped the types or esbuild minified them.
// Bundlers may wrap named functions in a `__name` helper; the page defines it.
/** The page's one script, exactly as served: the CSP allows it by its hash. */
export const consoleScript = `var __name = (fn) => fn;
(() => {
  const kit = ${call(consoleKit)};
  ${call(orderList, "kit")};
  const tabs = {
    letters: ${call(deadLettersTab, "kit")},
    overview: ${call(overviewTab, "kit")},
    orders: ${call(ordersTab, "kit", call(orderView, "kit", call(orderTrace, "kit")))},
    stock: ${call(stockAccountsTab, "kit")},
    audit: ${call(auditTab, "kit")},
    notifications: ${call(notificationLettersTab, "kit")},
    webhooks: ${call(webhooksTab, "kit", call(circuitState, "kit"))},
  };
  ${call(consoleShell, "kit", "tabs")};
})();`;

/** The tabs, in order; each button controls `panel-<id>`. */
const tabs = [
  ["letters", "Dead letters"],
  ["overview", "Overview"],
  ["orders", "Orders"],
  ["stock", "Inventory and accounts"],
  ["audit", "Audit"],
  ["notifications", "Notifications DLQ"],
  ["webhooks", "Webhooks"],
];
const tabList = tabs
  .map(
    ([id, name], index) =>
      `<button id="tab-${id}" role="tab" aria-selected="${index === 0}" aria-controls="panel-${id}" type="button"${index === 0 ? "" : ' tabindex="-1"'}>${name}</button>`,
  )
  .join("\n      ");

/** The console: one HTML page whose script talks to the API with the operator's token. */
export const consolePage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>orders · operations console</title>
<style>${styles}</style>
</head>
<body>
<header><h1>orders · operations console</h1><span>DLQ depth: <strong id="depth" aria-live="polite">–</strong></span></header>
<main>
  <section id="login" hidden>
    <form id="login-form">
      <h2>Sign in</h2>
      <p id="login-message" role="alert"></p>
      <label>Admin token <input id="token" name="token" type="password" autocomplete="off" required></label>
      <p><button class="primary" type="submit">Open the console</button></p>
      <p>The token is kept for this browser tab only.</p>
    </form>
  </section>
  <section id="app" hidden>
    <div id="error" role="alert" hidden></div>
    <p id="status" role="status" aria-live="polite"></p>
    <div class="tabs" role="tablist" aria-label="Console">
      ${tabList}
    </div>
    ${deadLettersPanel}
    ${overviewPanel}
    ${ordersPanel(orderListMarkup)}
    ${stockAccountsPanel}
    ${auditPanel}
    ${notificationLettersPanel}
    ${webhooksPanel}
  </section>
</main>
<script>${consoleScript}</script>
</body>
</html>`;
