import type { ConsistencyReport as Report } from "@orders/core/use-cases/audit/audit-ledgers";
import type { Kit, Tab } from "./types.ts";

/** The Audit tab's markup: the consistency audit, then the operators' actions on the DLQ. */
export const auditPanel = `
<div id="panel-audit" role="tabpanel" aria-labelledby="tab-audit" hidden>
  <section class="card" aria-labelledby="consistency-title">
    <h2 id="consistency-title">Consistency audit</h2>
    <p>Checks every sku and account against its ledger. Below is the latest stored report, from the hourly schedule
      or the last run here; running the audit now stores a new one.</p>
    <p><button id="audit-run" class="primary" type="button">Run the audit now</button></p>
    <div id="audit-report" aria-live="polite"></div>
  </section>
  <section aria-labelledby="actions-title">
    <h2 id="actions-title">Operator actions on the DLQ</h2>
    <div id="audit-empty" class="empty" hidden>No action has been taken yet.</div>
    <table aria-labelledby="actions-title">
      <thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Who</th><th scope="col">Old message</th><th scope="col">New message</th><th scope="col">Order</th><th scope="col">Result</th><th scope="col">Detail</th></tr></thead>
      <tbody id="audit-rows"></tbody>
    </table>
  </section>
</div>`;

/**
 * The Audit tab: shows the latest consistency report, runs the audit on
 * demand and lists its inconsistencies by name; lists every redrive, edit
 * and discard. Runs in the page, serialized with toString(): self-contained,
 * it gets everything through `kit`.
 */
export function auditTab(kit: Kit): Tab {
  const { $, el, api } = kit;

  function showReport(report: Report): void {
    const found = report.inconsistencies;
    // Stock figures are units; account, order and money figures are cents on the wire of this report.
    const figure = (kind: string, n: number) => (kind === "stock" ? String(n) : kit.cents(n));
    $("audit-report").replaceChildren(
      kit.fields("Audit report", [
        ["Run at", kit.time(report.at)],
        ["Skus", String(report.skus)],
        ["Accounts", String(report.accounts)],
        ["Deposits", kit.cents(report.money.depositsCents)],
        ["Balances and holds", kit.cents(report.money.balancesAndHoldsCents)],
        ["In flight (posted, not yet credited)", kit.cents(report.money.inFlightCents ?? 0)],
        ["Stored at", report.key],
      ]),
      el("p", found.length === 0 ? "No inconsistencies." : `${found.length} inconsistencies:`, {
        class: found.length === 0 ? "good" : "bad",
      }),
      ...(found.length
        ? [
            kit.table(
              "Inconsistencies",
              ["Kind", "Id", "Check", "Expected", "Actual"],
              found.map((i) => [i.kind, i.id, i.check, figure(i.kind, i.expected), figure(i.kind, i.actual)]),
            ),
          ]
        : []),
    );
  }

  // A run started while the latest report loads wins: its report is newer.
  let runs = 0;

  async function loadLatest(): Promise<void> {
    const before = runs;
    try {
      const report = await api<Report>("GET", "/admin/consistency-audit");
      if (runs === before) showReport(report);
    } catch (error) {
      if (runs !== before) return;
      if ((error as { status?: number }).status === 404) {
        $("audit-report").replaceChildren(el("p", "No audit has run yet.", { class: "empty" }));
      } else kit.failed("Could not load the latest report", error);
    }
  }

  async function runAudit(): Promise<void> {
    const button = $<HTMLButtonElement>("audit-run");
    button.disabled = true;
    runs += 1;
    try {
      showReport(await api<Report>("POST", "/admin/consistency-audit"));
    } catch (error) {
      kit.failed("The audit failed", error);
    } finally {
      button.disabled = false;
    }
  }

  async function loadActions(): Promise<void> {
    try {
      const { entries } = await api<{ entries: Record<string, string>[] }>("GET", "/admin/audit?limit=100");
      $("audit-empty").hidden = entries.length > 0;
      $("audit-rows").replaceChildren(
        ...entries.map((entry) => {
          const row = el("tr");
          const when = el("td");
          when.append(kit.time(entry.at));
          row.append(when);
          for (const key of ["action", "actor", "oldMessageId", "newMessageId", "orderId", "result", "detail"]) {
            row.append(el("td", entry[key] ?? ""));
          }
          return row;
        }),
      );
    } catch (error) {
      kit.failed("Could not load the audit", error);
    }
  }

  $("audit-run").addEventListener("click", () => void runAudit());
  return {
    open: () => {
      void loadLatest();
      void loadActions();
    },
  };
}
