import { consoleApp } from "./app.ts";

// Bundlers may wrap named functions in a `__name` helper; the page defines it
// so the serialized code runs whatever built it.
const script = `var __name = (fn) => fn;\n(${consoleApp.toString()})();`;

const styles = `
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
  header { background: #1d2330; color: #fff; padding: .8rem 1.2rem; display: flex; gap: 1.5rem; align-items: baseline; }
  header h1 { font-size: 1.15rem; margin: 0; }
  main { padding: 1rem 1.2rem; }
  .toolbar, .actions { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin-bottom: .8rem; }
  label { display: flex; flex-direction: column; font-size: .8rem; gap: .2rem; }
  button { padding: .4rem .8rem; border: 1px solid #3a4a6b; background: #fff; border-radius: 4px; cursor: pointer; }
  button.primary { background: #2c5bd8; color: #fff; border-color: #2c5bd8; }
  button:disabled { opacity: .5; cursor: default; }
  :focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
  table { border-collapse: collapse; width: 100%; background: #fff; }
  th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e3e6eb; vertical-align: top; font-size: .85rem; }
  tr.group th { background: #eef1f6; }
  pre { background: #fff; border: 1px solid #e3e6eb; padding: .6rem; overflow: auto; max-height: 18rem; }
  #error { background: #fde8e8; border: 1px solid #e5a0a0; padding: .6rem; margin-bottom: .8rem; }
  #detail { background: #fff; border: 1px solid #c9cfd8; padding: 1rem; margin-top: 1rem; }
  .tabs { display: flex; gap: .3rem; margin-bottom: .8rem; }
  .tabs [aria-selected="true"] { background: #1d2330; color: #fff; }
  .empty { padding: 2rem; text-align: center; background: #fff; border: 1px dashed #c9cfd8; }
  #edit-errors { color: #a11; }
  textarea { width: 100%; min-height: 9rem; font-family: ui-monospace, monospace; }
`;

/** The console: one HTML page whose script talks to the admin API with the operator's token. */
export const consolePage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>orders · DLQ console</title>
<style>${styles}</style>
</head>
<body>
<header><h1>orders · dead-letter console</h1><span>DLQ depth: <strong id="depth" aria-live="polite">–</strong></span></header>
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
    <div class="tabs" role="tablist">
      <button id="tab-letters" role="tab" aria-selected="true" aria-controls="panel-letters" type="button">Dead letters</button>
      <button id="tab-audit" role="tab" aria-selected="false" aria-controls="panel-audit" type="button">Audit</button>
    </div>
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
      <section id="detail" hidden aria-labelledby="detail-title">
        <h2 id="detail-title" tabindex="-1">Message</h2>
        <p id="detail-reason"></p>
        <div class="actions">
          <button id="detail-redrive" class="primary" type="button">Redrive this message</button>
          <button id="detail-dry-run" type="button">Dry run</button>
          <button id="detail-close" type="button">Close</button>
        </div>
        <pre id="dry-run-result" aria-live="polite"></pre>
        <h3>Body</h3><pre id="detail-body"></pre>
        <h3>Order record</h3><pre id="detail-order"></pre>
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
    </div>
    <div id="panel-audit" role="tabpanel" aria-labelledby="tab-audit" hidden>
      <div id="audit-empty" class="empty" hidden>No action has been taken yet.</div>
      <table>
        <thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Who</th><th scope="col">Old message</th><th scope="col">New message</th><th scope="col">Order</th><th scope="col">Result</th><th scope="col">Detail</th></tr></thead>
        <tbody id="audit-rows"></tbody>
      </table>
    </div>
  </section>
</main>
<script>${script}</script>
</body>
</html>`;
