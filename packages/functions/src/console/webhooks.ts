import type { Content, Kit, Tab } from "./types.ts";

/** The Webhooks tab's markup: static, no data in it. */
export const webhooksPanel = `
<div id="panel-webhooks" role="tabpanel" aria-labelledby="tab-webhooks" hidden>
  <form id="wh-lookup" class="toolbar" aria-label="Look up an account's webhook">
    <label>Webhook of account <input id="wh-account" required inputmode="numeric" pattern="[0-9]{7,20}" autocomplete="off"></label>
    <button type="submit">Look up</button>
  </form>
  <section id="wh-card" class="card" hidden aria-labelledby="wh-title">
    <h2 id="wh-title" tabindex="-1">Webhook</h2>
    <div id="wh-endpoint"></div>
    <div id="wh-secret" class="card" hidden>
      <p><strong>The new signing secret, shown this once.</strong> Give it to the receiver now: it is never shown again.</p>
      <label>New signing secret <input id="wh-secret-value" readonly autocomplete="off" spellcheck="false"></label>
    </div>
    <form id="wh-set" aria-label="Set the webhook and rotate its secret">
      <h3>Set it, with a new secret</h3>
      <label>Endpoint URL (https) <input id="wh-url" type="url" required maxlength="2048" autocomplete="off"></label>
      <p class="toolbar"><input id="wh-revoke" type="checkbox" aria-labelledby="wh-revoke-text"><span id="wh-revoke-text">End the old secret now (it leaked), instead of after 24 hours</span></p>
      <button class="primary" type="submit">Save and rotate the secret</button>
    </form>
  </section>
</div>`;

/** A webhook endpoint's circuit breaker, as GET /accounts/{id}/webhook may answer it. */
export interface Circuit {
  state: "CLOSED" | "OPEN" | "HALF_OPEN";
  consecutiveFailures: number;
  openedAt?: string;
  probeAt?: string;
}
interface Endpoint {
  accountId: string;
  url: string;
  updatedAt: string;
  previousSecretUntil?: string;
  circuit?: Circuit;
}

/**
 * The circuit's state in words, with its times: its own small function so that
 * the Notifier's breaker can change what it shows without touching the tab.
 * Runs in the page, serialized with toString().
 */
export function circuitState(kit: Kit): (circuit: Circuit) => Content {
  return (circuit) => {
    const node = kit.el("span");
    const failures = `${circuit.consecutiveFailures} failed ${circuit.consecutiveFailures === 1 ? "send" : "sends"} in a row`;
    const words = {
      CLOSED: "Closed: events are sent",
      OPEN: "Open: events wait, their tries untouched",
      HALF_OPEN: "Half open: one probe is being sent",
    }[circuit.state];
    node.append(kit.el("strong", words ?? circuit.state, { class: circuit.state === "CLOSED" ? "good" : "bad" }));
    node.append(kit.el("div", failures, { class: "detail" }));
    for (const [label, at] of [
      ["opened ", circuit.openedAt],
      ["next probe ", circuit.probeAt],
    ] as const) {
      if (!at) continue;
      const line = kit.el("div", label, { class: "detail" });
      line.append(kit.time(at));
      node.append(line);
    }
    return node;
  };
}

/**
 * The Webhooks tab: look up an account's endpoint (never its secret), its
 * rotated-out secret's overlap and its circuit; set it, which rotates the
 * secret and shows the new one once. Runs in the page, serialized with
 * toString(): self-contained, it gets everything through its arguments.
 */
export function webhooksTab(kit: Kit, circuit: (circuit: Circuit) => Content): Tab {
  const { $, el, api } = kit;
  let accountId = "";

  function overlapOf(until: string | undefined): Content {
    if (!until) return "No: only the current secret signs";
    const node = el("span", "Yes, beside the current one, until ");
    node.append(kit.time(until));
    return node;
  }

  function showEndpoint(endpoint: Endpoint | undefined): void {
    if (!endpoint) {
      $("wh-endpoint").replaceChildren(el("p", `Account ${accountId} has no webhook: its order events are not sent.`));
      return;
    }
    const pairs: [string, Content][] = [
      ["URL", endpoint.url],
      ["Set", kit.time(endpoint.updatedAt)],
      ["Rotated-out secret still signing", overlapOf(endpoint.previousSecretUntil)],
    ];
    if (endpoint.circuit) pairs.push(["Circuit", circuit(endpoint.circuit)]);
    const table = kit.fields(`Webhook of account ${endpoint.accountId}`, pairs);
    table.classList.add("checks");
    $("wh-endpoint").replaceChildren(table);
    $<HTMLInputElement>("wh-url").value = endpoint.url;
  }

  async function lookUp(id: string): Promise<void> {
    accountId = id;
    $<HTMLInputElement>("wh-account").value = id;
    $("wh-secret").hidden = true;
    $<HTMLInputElement>("wh-secret-value").value = "";
    $("wh-title").textContent = `Webhook of account ${id}`;
    try {
      const endpoint = await api<Endpoint>("GET", `/accounts/${encodeURIComponent(id)}/webhook`);
      $("wh-card").hidden = false;
      showEndpoint(endpoint);
    } catch (error) {
      if ((error as { payload?: { error?: string } }).payload?.error === "WEBHOOK_NOT_FOUND") {
        $("wh-card").hidden = false;
        $<HTMLInputElement>("wh-url").value = "";
        showEndpoint(undefined);
        return;
      }
      $("wh-card").hidden = true;
      kit.failed("Could not read the webhook", error);
    }
  }

  $("wh-lookup").addEventListener("submit", (event) => {
    event.preventDefault();
    const id = $<HTMLInputElement>("wh-account").value.trim();
    kit.go("webhooks", id);
  });
  $("wh-set").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      url: $<HTMLInputElement>("wh-url").value.trim(),
      revokePreviousSecret: $<HTMLInputElement>("wh-revoke").checked,
    };
    try {
      const set = await api<{ secret: string }>("PUT", `/accounts/${encodeURIComponent(accountId)}/webhook`, body);
      await lookUp(accountId);
      $<HTMLInputElement>("wh-secret-value").value = set.secret;
      $("wh-secret").hidden = false;
      $<HTMLInputElement>("wh-revoke").checked = false;
      kit.say(`Webhook of account ${accountId} set; its new secret is shown once below.`);
    } catch (error) {
      kit.failed("Could not set the webhook", error);
    }
  });

  return {
    open: (arg) => {
      if (arg) void lookUp(arg);
      else if (!accountId) $<HTMLInputElement>("wh-account").focus();
    },
  };
}
