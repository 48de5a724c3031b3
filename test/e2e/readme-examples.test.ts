import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type RunningSystem, startSystem } from "@orders/harness/local-system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

interface Example {
  command: string;
  expectedStatus: number;
}

/** The README's `export NAME=$(npm run -s token -- …)` lines: the tokens its examples send. */
function readmeTokens(): string[] {
  return readmeSection()
    .split("\n")
    .filter((line) => /^export [A-Z_]+=\$\(npm run -s token -- [^)]*\)$/.test(line));
}

/** Runs the README's token lines as written, in the repository, and keeps what each exported. */
function runTokenLines(lines: string[]): Record<string, string> {
  const tokens: Record<string, string> = {};
  for (const line of lines) {
    const name = /^export ([A-Z_]+)=/.exec(line)?.[1] as string;
    const result = spawnSync("bash", ["-c", `${line} && printf %s "$${name}"`], {
      cwd: join(import.meta.dirname, "../.."),
      encoding: "utf8",
    });
    if (result.status !== 0) throw new Error(`${line} failed: ${result.stderr}`);
    tokens[name] = result.stdout.trim();
  }
  return tokens;
}

/** The text between the README's e2e markers. */
function readmeSection(): string {
  const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
  return /<!-- e2e:begin -->([\s\S]*?)<!-- e2e:end -->/.exec(readme)?.[1] ?? "";
}

/** The curl examples between the README's e2e markers, each with the status its comment promises. */
function readmeExamples(): Example[] {
  const section = readmeSection();
  const examples: Example[] = [];
  let expectedStatus: number | undefined;
  for (const line of section.split("\n")) {
    const promise = /^#.*→\s*(\d{3})/.exec(line);
    if (promise) expectedStatus = Number(promise[1]);
    if (line.startsWith("curl ")) {
      if (expectedStatus === undefined) throw new Error(`README example has no "→ status" comment: ${line}`);
      examples.push({ command: line, expectedStatus });
      expectedStatus = undefined;
    }
  }
  return examples;
}

function curl(command: string, baseUrl: string): { status: number; body: string } {
  const local = command.replaceAll("http://localhost:3000", baseUrl);
  const result = spawnSync("bash", ["-c", `${local} -s -w '\\n%{http_code}'`], {
    encoding: "utf8",
    env: { ...process.env, ...tokens },
  });
  if (result.error || result.status !== 0) throw new Error(`curl failed (is curl installed?): ${result.stderr}`);
  const lines = result.stdout.split("\n");
  return { status: Number(lines.pop()), body: lines.join("\n") };
}

/** Whether a body is an order lookup whose saga (or cancellation) has not ended yet. */
function isPendingOrder(body: string): boolean {
  try {
    const status = (JSON.parse(body) as { order?: { status?: string } }).order?.status;
    return status === "PENDING" || status === "CANCELLING";
  } catch {
    return false;
  }
}

/** The body the README's example answered, parsed, for the first command that `matches`. */
function answerTo(matches: (command: string) => boolean) {
  const output = outputs.find((o) => matches(o.command));
  expect(output, "the README has this example").toBeDefined();
  return JSON.parse(output?.body ?? "null");
}
/**
 * The example `command` answered 404, byte for byte as the example whose command names `missingPath` answered
 * about `missingId`, once each id is masked: a stranger learns nothing.
 */
function expectAnsweredAsMissing(command: string, ids: { id: string; missingId: string; missingPath: string }) {
  const hidden = outputs.find((o) => o.command === command);
  const missing = outputs.find((o) => o.command.includes(ids.missingPath));
  expect(hidden?.status).toBe(404);
  expect(hidden?.body.replaceAll(ids.id, "ID")).toBe(missing?.body.replaceAll(ids.missingId, "ID"));
}
/** The payer's first read of an order. */
const getOrder = (id: string) =>
  answerTo((command) => command.startsWith(`curl http://localhost:3000/orders/${id} -H "authorization: Bearer $`));

const examples = readmeExamples();
let system: RunningSystem;
const outputs: { command: string; status: number; body: string }[] = [];

/** The README starts the system with this token, and its admin examples send it. */
const ADMIN_TOKEN = "let-me-in-locally";

let tokens: Record<string, string> = {};
const asAdmin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

beforeAll(async () => {
  system = await startSystem(["--in-memory"], { ORDERS_ADMIN_TOKEN: ADMIN_TOKEN });
  tokens = runTokenLines(readmeTokens());
});
afterAll(async () => {
  await system?.stop();
});

describe("the README's examples, against `npm start`", () => {
  it("has examples to run", () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
  });

  it("answers every example with the status its comment promises", async () => {
    for (const example of examples) {
      let result = curl(example.command, system.url);
      // A GET right after a POST may beat the processor, or its saga: retry briefly, as a user would.
      const unsettled = () => result.status === 404 || isPendingOrder(result.body);
      for (let tries = 0; unsettled() && example.expectedStatus === 200 && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        result = curl(example.command, system.url);
      }
      expect(result.status, example.command).toBe(example.expectedStatus);
      // Our answers carry a typed error; API Gateway's own (a refused token) only its message, deployed and locally.
      if (result.status >= 400) {
        const body = JSON.parse(result.body);
        if ([401, 403].includes(result.status) && !("error" in body))
          expect(body, example.command).toHaveProperty("message");
        else expect(body, example.command).toHaveProperty("error");
      }
      outputs.push({ command: example.command, ...result });
    }
  });

  it("shows the documents' order valid, not a duplicate, with a jsonUrl that returns the same JSON", async () => {
    const post = outputs.find((o) => o.command.includes("-X POST") && o.command.includes('"order-001"'));
    const get = outputs.find((o) =>
      o.command.startsWith(`curl http://localhost:3000/orders/order-001 -H "authorization: Bearer $PAYER"`),
    );
    expect(post && get).toBeTruthy();
    const body = JSON.parse(get?.body ?? "null");
    expect(body.order).toMatchObject({ id: "order-001", valid: true, isDuplicate: false });
    const sent = JSON.parse(/-d '([^']+)'/.exec(post?.command ?? "")?.[1] ?? "null");
    expect(await (await fetch(body.jsonUrl)).json()).toEqual(sent);
  });

  it("records the second POST of the same id as a duplicate", async () => {
    // The README's GET may have run before the processor got to the duplicate.
    const duplicates = async () => {
      const body = (await (await fetch(`${system.url}/orders/order-001`, asAdmin)).json()) as { duplicates: unknown[] };
      return body.duplicates;
    };
    await expect
      .poll(duplicates, { timeout: 10_000 })
      .toEqual([expect.objectContaining({ sameAsOriginal: true, valid: true })]);
  });

  it("shows the public no queue depth, and an operator the DLQ's depth with the token (#16)", () => {
    const health = answerTo((command) => command === "curl http://localhost:3000/health");
    expect(health).toEqual({
      status: "ok",
      checks: { table: "ok", bucket: "ok", queue: "ok", dlq: "ok" },
      failing: [],
    });
    expect(answerTo((command) => command.includes("/admin/dlq/depth -H 'authorization"))).toEqual({ depth: 0 });
  });

  it("loads the demo data on start, and says so in one line", () => {
    const lines = system
      .output()
      .split("\n")
      .filter((line) => line.includes("demo data:"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/opened accounts 1111111 \(10000\), 7777777, 2222222 \(100\); stocked KB-01 ×100/);
  });

  it("records order-001's OrderConfirmed as NO_WEBHOOK, its payer having no webhook, and the webhook set for 3333333", async () => {
    // The Notifier runs after the order ends: poll, as a user would.
    const notifications = async () =>
      ((await (await fetch(`${system.url}/orders/order-001`, asAdmin)).json()) as { notifications: unknown[] })
        .notifications;
    await expect
      .poll(notifications, { timeout: 10_000 })
      .toEqual([expect.objectContaining({ type: "OrderConfirmed", status: "NO_WEBHOOK", accountId: "1111111" })]);
    const set = answerTo(
      (command) => command.includes("/accounts/3333333/webhook") && command.includes("hooks.example"),
    );
    expect(set).toEqual({ url: "https://hooks.example.com/orders", secret: expect.stringMatching(/^whsec_/) });
  });

  it("confirms order-001: payment posted, both lines committed, the saga log in order", () => {
    const body = getOrder("order-001");
    expect(body.order).toMatchObject({ status: "CONFIRMED", valid: true });
    expect(body.order.items).toHaveLength(2);
    expect(body.payment).toEqual({ status: "POSTED", amount: 2580 });
    expect(body.reservations).toEqual([
      { sku: "KB-01", quantity: 2, status: "COMMITTED" },
      { sku: "MS-02", quantity: 1, status: "COMMITTED" },
    ]);
    const steps = body.saga.map((entry: { step: string }) => entry.step);
    expect(steps[0]).toBe("accounts");
    expect(steps.at(-1)).toBe("confirm");
    expect(steps).toEqual(expect.arrayContaining(["reserve", "hold", "post", "credit", "commit"]));
  });

  it("fails the out-of-stock order with its shortfall, releasing the line it had reserved", () => {
    const body = getOrder("order-004");
    expect(body.order).toMatchObject({
      status: "FAILED",
      // The payer asked: stock levels are for operators.
      failure: { code: "OUT_OF_STOCK", details: [{ sku: "GPU-9", requested: 3 }] },
    });
    expect(body.reservations).toEqual([
      { sku: "KB-01", quantity: 1, status: "RELEASED" },
      { sku: "GPU-9", quantity: 3, status: "RELEASED" },
    ]);
  });

  it("fails the order its payer cannot cover, voiding the payment and releasing the stock", () => {
    const body = getOrder("order-005");
    expect(body.order).toMatchObject({
      status: "FAILED",
      failure: { code: "INSUFFICIENT_FUNDS", details: { accountId: "2222222", requested: 580, available: 100 } },
    });
    expect(body.payment).toEqual({ status: "VOIDED", amount: 580 });
    expect(body.reservations).toEqual([{ sku: "MS-02", quantity: 1, status: "RELEASED" }]);
  });

  it("fails the order to an unknown account, having reserved and held nothing", () => {
    const body = getOrder("order-006");
    expect(body.order).toMatchObject({
      status: "FAILED",
      failure: { code: "UNKNOWN_ACCOUNT", details: [{ accountId: "9999999" }] },
    });
    expect(body.payment).toBeUndefined();
    expect(body.reservations).toEqual([]);
  });

  it("shows the stock and the payer's account after the orders, and a deposit applied once", async () => {
    expect(answerTo((c) => c.startsWith("curl http://localhost:3000/inventory/KB-01 -H"))).toMatchObject({
      sku: "KB-01",
      onHand: 98,
      reserved: 0,
      available: 98,
    });
    const payer = answerTo((c) => c.startsWith("curl http://localhost:3000/accounts/1111111"));
    expect(payer).toMatchObject({ accountId: "1111111", balance: 7420, held: 0, available: 7420 });
    expect(payer.entries).toContainEqual(
      expect.objectContaining({ transferId: "order:order-001", kind: "DEBIT", amount: 2580, status: "POSTED" }),
    );
    const entries = answerTo((c) => c.includes("/accounts/1111111/entries?limit=2"));
    expect(entries.entries).toEqual([
      expect.objectContaining({ transferId: "order:order-006", kind: "DEBIT", amount: 0, status: "VOIDED" }),
      expect.objectContaining({ transferId: "order:order-004", kind: "DEBIT", amount: 0, status: "VOIDED" }),
    ]);
    expect(entries.cursor).toEqual(expect.any(String));
    // The next page starts where that one ended, whatever came since: order-001's debit, then the demo deposit.
    const next = await fetch(`${system.url}/accounts/1111111/entries?limit=2&cursor=${entries.cursor}`, {
      headers: { authorization: "Bearer let-me-in-locally" },
    });
    expect(((await next.json()) as { entries: unknown[] }).entries).toEqual([
      expect.objectContaining({ transferId: "order:order-001", kind: "DEBIT", amount: 2580, status: "POSTED" }),
      expect.objectContaining({ kind: "DEPOSIT", amount: 10000, status: "POSTED" }),
    ]);
    const deposits = outputs.filter((o) => o.command.includes("/accounts/3333333/deposits"));
    expect(deposits).toHaveLength(2);
    for (const deposit of deposits) expect(JSON.parse(deposit.body)).toMatchObject({ balance: 50, held: 0 });
    expect(JSON.parse(deposits[1]?.body ?? "null").entries).toHaveLength(1);
  });

  it("answers a replayed Idempotency-Key with the first answer, and refuses the key with another body", () => {
    const keyed = outputs.filter((o) => o.command.includes("Idempotency-Key: 4f1d2c-order-007"));
    expect(keyed.map((o) => o.status)).toEqual([202, 202, 422]);
    const [first, replay] = keyed.map((o) => JSON.parse(o.body));
    expect(replay.submissionId).toBe(first.submissionId);
    expect(JSON.parse(keyed[2]?.body ?? "null").error).toBe("IDEMPOTENCY_KEY_REUSED");
  });

  it("cancels the confirmed order-007: refunded, its mouse back in stock, the steps in the saga log", () => {
    const lookups = outputs.filter((o) => o.command.startsWith("curl http://localhost:3000/orders/order-007 "));
    const [before, after] = lookups.map((o) => JSON.parse(o.body));
    expect(before.order.status).toBe("CONFIRMED");
    expect(after.order).toMatchObject({
      status: "CANCELLED",
      refunded: true,
      cancellation: { reason: "customer changed their mind" },
    });
    expect(after.reservations).toEqual([{ sku: "MS-02", quantity: 1, status: "RETURNED" }]);
    const steps = after.saga.map((entry: { step: string }) => entry.step);
    expect(steps).toEqual(expect.arrayContaining(["cancel", "refund", "restock"]));
    const refused = outputs.find((o) => o.command.includes("/orders/order-004/cancel"));
    expect(JSON.parse(refused?.body ?? "null")).toMatchObject({ error: "ORDER_NOT_CANCELLABLE" });
  });

  it("finds order-001 consistent, and the whole stage in step, its report read back", () => {
    const verified = answerTo((c) => c.includes("/orders/order-001/verify-consistency"));
    expect(verified.consistent).toBe(true);
    expect(verified.checks.map((check: { name: string }) => check.name)).toEqual(
      expect.arrayContaining(["archive", "reservation KB-01", "reservation MS-02", "payment", "payee credit"]),
    );
    const audit = answerTo((c) => c.includes("/admin/consistency-audit"));
    expect(audit.inconsistencies).toEqual([]);
    expect(audit.money.depositsCents).toBe(audit.money.balancesAndHoldsCents);
    // Read back, the latest report is that one.
    expect(answerTo((c) => c.startsWith("curl http://localhost:3000/admin/consistency-audit"))).toEqual(audit);
  });

  it("records the order with amount -5 as invalid, with its reason", () => {
    const get = outputs.find((o) => o.command.startsWith("curl http://localhost:3000/orders/order-002 "));
    const body = JSON.parse(get?.body ?? "null");
    expect(body.order.valid).toBe(false);
    expect(body.order.status).toBe("REJECTED");
    expect(body.order.errors).toContainEqual(expect.objectContaining({ field: "amount" }));
  });

  it("quotes the SSRF refusal's reason exactly as the API gives it (#17)", () => {
    const comment = readmeSection()
      .split("\n")
      .find((line) => line.startsWith("#") && line.includes("→ 422 UNSAFE_WEBHOOK_URL"));
    const promised = /"message":"([^"]+)"/.exec(comment ?? "")?.[1];
    const refused = answerTo((c) => c.includes("/accounts/3333333/webhook") && c.includes("169.254.169.254"));
    expect(refused.details).toEqual([{ field: "url", code: "UNSAFE_WEBHOOK_URL", message: promised }]);
  });

  it("shows a landing page that links the console, the docs, the health check and the OpenAPI document (#17)", async () => {
    const landing = outputs.find((o) => o.command === "curl http://localhost:3000/");
    const links = [...(landing?.body ?? "").matchAll(/<a href="([^"]+)"/g)].map(
      ([, href]) => new URL(href ?? "", `${system.url}/`).pathname,
    );
    expect(links.sort()).toEqual(["/console", "/docs", "/health", "/openapi.json"]);
    const response = await fetch(`${system.url}/`);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toMatch(/^default-src 'none'; style-src 'sha256-/);
  });

  it("serves the API reference under a CSP that names no other origin, its page loading nothing from one (#17)", async () => {
    // The README shows the headers only: the page is Swagger UI's 1.9 MB, inline.
    const shown = outputs.find((o) => o.command.endsWith("http://localhost:3000/docs"))?.body ?? "";
    const header = (name: string) => new RegExp(`^${name}: (.*?)\r?$`, "im").exec(shown)?.[1];
    expect(header("content-type")).toBe("text/html; charset=utf-8");
    const csp = header("content-security-policy") ?? "";
    const directives = new Map(csp.split(/;\s*/).map((d) => [d.split(" ")[0], d.split(" ").slice(1)] as const));
    expect(directives.get("default-src")).toEqual(["'none'"]);
    expect(directives.get("script-src")?.every((source) => /^'sha256-[A-Za-z0-9+/]+=*'$/.test(source))).toBe(true);
    expect(directives.get("connect-src")).toEqual(["'self'"]);
    expect(csp).not.toMatch(/https?:|\*/);

    const page = await (await fetch(`${system.url}/docs`)).text();
    // The tags without their inline text (the bundle's own strings mention "<script" and URLs of every kind).
    const markup = page.replace(/(<(script|style)\b[^>]*>)[\s\S]*?<\/\2>/g, "$1</$2>");
    expect(markup).toContain("<script></script><script></script>");
    const origin = new URL(system.url).origin;
    const referenced = [...markup.matchAll(/\b(?:src|href)\s*=\s*["']?([^"'\s>]+)/gi)].map(([, url]) => url ?? "");
    expect(referenced.filter((url) => new URL(url, `${system.url}/docs`).origin !== origin)).toEqual([]);
    const css = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? "";
    expect(css).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//);
    expect(page).toContain('url: "/openapi.json"');
  });

  it("logs one line per request and per batch, and stops cleanly on Ctrl-C", async () => {
    expect(system.output()).toMatch(/GET \/health → 200/);
    expect(system.output()).toMatch(/OrdersProcessor batch of \d+/);
    expect(await system.stop("SIGINT")).toBe(0);
    expect(system.output()).toContain("stopped");
  });

  it("lists 1111111's orders as payer newest first, two a page, then only the confirmed one", () => {
    const page = answerTo((c) => c.includes("/accounts/1111111/orders?limit=2"));
    expect(page.orders.map((order: { id: string }) => order.id)).toEqual(["order-007", "order-002"]);
    expect(page.orders[0]).toMatchObject({
      status: "CANCELLED",
      amount: 580,
      fromAccount: "1111111",
      toAccount: "7777777",
      resolvedAt: expect.any(String),
      refunded: true,
    });
    expect(page.orders[1]).toMatchObject({ status: "REJECTED", amount: -5 });
    expect(page.cursor).toEqual(expect.any(String));
    const confirmed = answerTo((c) => c.includes("/accounts/1111111/orders?status=CONFIRMED"));
    expect(confirmed).toEqual({
      orders: [
        expect.objectContaining({ id: "order-001", status: "CONFIRMED", amount: 2580, resolvedAt: expect.any(String) }),
      ],
    });
  });

  it("has the README's tokens, one per caller it names", () => {
    expect(Object.keys(tokens).sort()).toEqual(["OPS", "PAYEE", "PAYER", "SMALL", "WEB"]);
  });

  it("answers a stranger's read of order-001 byte for byte as a read of an order that does not exist (#16)", () => {
    expectAnsweredAsMissing('curl http://localhost:3000/orders/order-001 -H "authorization: Bearer $SMALL"', {
      id: "order-001",
      missingId: "order-never-sent",
      missingPath: "/orders/order-never-sent",
    });
  });

  it("shows the payee order-001 and its status, and nothing of the payer's funds (#16)", () => {
    const seen = answerTo((c) => c === 'curl http://localhost:3000/orders/order-001 -H "authorization: Bearer $PAYEE"');
    expect(seen).toEqual({
      sight: "payee",
      order: expect.objectContaining({ id: "order-001", status: "CONFIRMED" }),
      duplicates: [],
      notifications: [],
    });
  });

  it("shows an operator's own token the admin routes (#16)", () => {
    expect(answerTo((c) => c === 'curl http://localhost:3000/admin/dlq/depth -H "authorization: Bearer $OPS"')).toEqual(
      {
        depth: 0,
      },
    );
  });

  it("answers another customer's account as an account nobody opened (#16)", () => {
    expectAnsweredAsMissing('curl http://localhost:3000/accounts/1111111 -H "authorization: Bearer $PAYEE"', {
      id: "1111111",
      missingId: "4444444",
      missingPath: "/accounts/4444444/deposits",
    });
  });
});
