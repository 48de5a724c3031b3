import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningSystem, startSystem } from "@orders/harness/local-system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Issue #16 over the real local system: callers with tokens from `npm run
 * token`, checked by the local gateway, and the rules each route applies.
 */
const root = join(import.meta.dirname, "../..");
const dataDir = mkdtempSync(join(tmpdir(), "orders-identity-"));
let system: RunningSystem;

/** `npm run -s token -- <args>`, as the README runs it, against this system's issuer. */
function token(...args: string[]): string {
  const result = spawnSync(process.execPath, ["scripts/token.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ORDERS_DATA_DIR: dataDir },
  });
  if (result.status !== 0) throw new Error(`npm run token ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout.trim();
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: the answers' shapes are what the tests check.
  body: any;
}

async function call(method: string, path: string, bearer?: string, body?: unknown, headers = {}): Promise<Answer> {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : null };
}

/** Reads an order as an operator until its saga has ended. */
async function settled(id: string, operator: string): Promise<Answer> {
  for (let tries = 0; tries < 100; tries++) {
    const answer = await call("GET", `/orders/${id}`, operator);
    if (answer.status === 200 && !["PENDING", "CANCELLING"].includes(answer.body.order.status)) return answer;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`order ${id} did not settle`);
}

/** Waits until OrdersQueue holds nothing: whatever was queued has been processed. */
async function drained(): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const metrics = await call("GET", "/_local/metrics");
    if (metrics.body.queues.OrdersQueue === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("OrdersQueue did not drain");
}

const tokens = {} as Record<"payer" | "payee" | "small" | "atm" | "web" | "ops", string>;

beforeAll(async () => {
  system = await startSystem(["--in-memory"], { ORDERS_DATA_DIR: dataDir });
  Object.assign(tokens, {
    payer: token("--account", "1111111"),
    payee: token("--account", "7777777"),
    small: token("--account", "2222222"),
    atm: token("--channel", "atm-network"),
    web: token("--channel", "web-shop"),
    ops: token("--operator", "alice"),
  });
});
afterAll(async () => {
  await system?.stop();
});

const order = (id: string, fromAccount: string, amount = 10, toAccount = "7777777") => ({
  id,
  amount,
  fromAccount,
  toAccount,
});

describe("callers' identities, against npm start", () => {
  it("refuses a missing, malformed, expired or foreign token with 401 before any function runs", async () => {
    const foreign = mkdtempSync(join(tmpdir(), "orders-other-issuer-"));
    const otherIssuer = spawnSync(process.execPath, ["scripts/token.ts", "--operator", "eve", "--data-dir", foreign], {
      cwd: root,
      encoding: "utf8",
    }).stdout.trim();
    const expired = token("--operator", "alice", "--ttl", "1");
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    for (const bearer of [undefined, "a.b.c", expired, otherIssuer]) {
      const answer = await call("POST", "/orders", bearer, order("1111111-401", "1111111"));
      expect(answer.status, String(bearer)).toBe(401);
      expect(answer.headers.get("www-authenticate")).toBe("Bearer");
    }
    await drained();
    expect((await call("GET", "/orders/1111111-401", tokens.ops)).status).toBe(404);
  });

  it("lets a customer pay only from its own account: 403 and nothing recorded otherwise", async () => {
    const refused = await call("POST", "/orders", tokens.small, order("2222222-stolen", "1111111", 10, "2222222"));
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe("FORBIDDEN");
    const paid = await call("POST", "/orders", tokens.payer, order("1111111-own", "1111111"));
    expect(paid.status).toBe(202);
    expect((await settled("1111111-own", tokens.ops)).body.order.status).toBe("CONFIRMED");
    await drained();
    expect((await call("GET", "/orders/2222222-stolen", tokens.ops)).status).toBe(404);
  });

  it("shows an order to its payer, its payee and the operator, and to nobody else, who gets the 404 of a missing order", async () => {
    await call("POST", "/orders", tokens.payer, order("1111111-seen", "1111111"));
    await settled("1111111-seen", tokens.ops);
    expect((await call("GET", "/orders/1111111-seen", tokens.ops)).body.sight).toBe("full");
    expect((await call("GET", "/orders/1111111-seen", tokens.payer)).body.sight).toBe("payer");
    const payee = await call("GET", "/orders/1111111-seen", tokens.payee);
    expect(payee.body).toEqual({ sight: "payee", order: expect.any(Object), duplicates: [], notifications: [] });
    expect(payee.body.order).toMatchObject({
      id: "1111111-seen",
      status: "CONFIRMED",
      amount: 10,
      fromAccount: "1111111",
      toAccount: "7777777",
    });
    expect(payee.body.order).not.toHaveProperty("failure");
    const hidden = await call("GET", "/orders/1111111-seen", tokens.small);
    const missing = await call("GET", "/orders/1111111-nosuch", tokens.small);
    expect(hidden.status).toBe(404);
    expect(hidden.text.replaceAll("1111111-seen", "ID")).toBe(missing.text.replaceAll("1111111-nosuch", "ID"));
  });

  it("never shows the payee the payer's balance: not in the order, not in its listing", async () => {
    await call("POST", "/orders", tokens.small, order("2222222-short", "2222222", 580));
    const seen = await settled("2222222-short", tokens.ops);
    expect(seen.body.order.failure).toMatchObject({ code: "INSUFFICIENT_FUNDS", details: { available: 100 } });
    expect((await call("GET", "/orders/2222222-short", tokens.small)).body.order.failure.code).toBe(
      "INSUFFICIENT_FUNDS",
    );
    const payee = await call("GET", "/orders/2222222-short", tokens.payee);
    expect(payee.text).not.toContain("INSUFFICIENT_FUNDS");
    expect(payee.text).not.toContain('"available"');
    const listing = await call("GET", "/accounts/7777777/orders?role=payee&limit=50", tokens.payee);
    expect(listing.status).toBe(200);
    const row = listing.body.orders.find((listed: { id: string }) => listed.id === "2222222-short");
    expect(row).toMatchObject({ id: "2222222-short", status: "FAILED" });
    expect(row).not.toHaveProperty("failure");
  });

  it("lets a channel submit for any payer and read what it submitted, and no other channel", async () => {
    const submitted = await call("POST", "/orders", tokens.atm, order("id-atm", "1111111"));
    expect(submitted.status).toBe(202);
    await settled("id-atm", tokens.ops);
    expect((await call("GET", "/orders/id-atm", tokens.atm)).body.sight).toBe("payer");
    expect((await call("GET", "/orders/id-atm", tokens.payer)).body.sight).toBe("payer");
    expect((await call("GET", "/orders/id-atm", tokens.web)).status).toBe(404);
    expect((await call("GET", "/orders/1111111-own", tokens.atm)).status).toBe(404);
  });

  it("scopes Idempotency-Key per caller: two channels' same key are two keys", async () => {
    const key = { "idempotency-key": "same-key-1" };
    const first = await call("POST", "/orders", tokens.atm, order("id-key-a", "1111111"), key);
    const again = await call("POST", "/orders", tokens.atm, order("id-key-a", "1111111"), key);
    const other = await call("POST", "/orders", tokens.web, order("id-key-b", "1111111"), key);
    expect(again.body.submissionId).toBe(first.body.submissionId);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(other.status).toBe(202);
    expect(other.body.id).toBe("id-key-b");
    expect(other.headers.get("idempotent-replayed")).toBeNull();
  });

  it("lets a customer read its own account only; a channel none; an operator any", async () => {
    expect((await call("GET", "/accounts/1111111", tokens.payer)).status).toBe(200);
    expect((await call("GET", "/accounts/1111111/entries?limit=1", tokens.payer)).status).toBe(200);
    const other = await call("GET", "/accounts/1111111", tokens.payee);
    const unopened = await call("GET", "/accounts/9999999", tokens.payee);
    expect(other.status).toBe(404);
    expect(other.text.replaceAll("1111111", "ID")).toBe(unopened.text.replaceAll("9999999", "ID"));
    expect((await call("GET", "/accounts/1111111/orders", tokens.atm)).status).toBe(404);
    expect((await call("GET", "/accounts/1111111", tokens.ops)).status).toBe(200);
  });

  it("keeps operator routes for operators: 403 for a customer or a channel", async () => {
    for (const bearer of [tokens.payer, tokens.atm]) {
      expect((await call("GET", "/admin/dlq/depth", bearer)).status).toBe(403);
      expect((await call("PUT", "/inventory/KB-01", bearer, { onHand: 1 })).status).toBe(403);
    }
    expect((await call("GET", "/admin/dlq/depth", tokens.ops)).status).toBe(200);
  });

  it("keeps each customer's order ids its own: another's prefix is refused, so no id can be taken from its owner", async () => {
    const squat = await call("POST", "/orders", tokens.small, order("1111111-next", "2222222", 1));
    expect(squat.status).toBe(400);
    expect(squat.body.details[0]).toMatchObject({ field: "id", code: "not_owned" });
  });

  it("shows the payer which sku fell short, never how much stock is left: not in the failure, not in the saga log", async () => {
    const short = { ...order("1111111-gpu", "1111111", 1500), items: [{ sku: "GPU-9", quantity: 3, unitPrice: 500 }] };
    await call("POST", "/orders", tokens.payer, short);
    const full = await settled("1111111-gpu", tokens.ops);
    expect(full.body.order.failure.code).toBe("OUT_OF_STOCK");
    expect(full.text).toContain("available");
    const payer = await call("GET", "/orders/1111111-gpu", tokens.payer);
    expect(payer.body.order.failure).toMatchObject({ code: "OUT_OF_STOCK", details: [{ sku: "GPU-9", requested: 3 }] });
    expect(payer.text).not.toContain("available");
  });
});
