import { spawnSync } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { anOrderWithItems, uniqueOrderId } from "@orders/harness/factories";
import { callJson, postOrders, type RunningSystem, startSystem, waitUntil } from "@orders/harness/local-system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The recovery drill, on the real local system: back up, run more orders,
 * restore, and the consistency audit finds nothing wrong; the orders from
 * after the backup are gone, those from before are back with their ledgers.
 */

const TOKEN = "backup-restore-drill-token-41c7";
const admin = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
const stamp = String(Date.now()).slice(-9);
const payer = `6${stamp}`;
const payee = `7${stamp}`;
const sku = `DRILL-${stamp}`;

let system: RunningSystem;
let work: string;

const call = (method: string, path: string, body?: unknown) => callJson(system.url, admin, method, path, body);

/** `npm run backup` or `npm run restore`, as a user runs it, against the running system. */
function script(name: "backup" | "restore", ...args: string[]) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [`scripts/${name}.ts`, ...args, "--url", system.url], {
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}

/** One order of a unit of the drill's sku, from the payer to the payee. */
const drillOrder = (prefix: string) =>
  anOrderWithItems([{ sku, quantity: 1, unitPrice: 12.5 }], {
    id: uniqueOrderId(prefix),
    fromAccount: payer,
    toAccount: payee,
  });
const orders = (count: number, prefix: string) => Array.from({ length: count }, () => drillOrder(prefix));

/** POST /orders with an Idempotency-Key: whether the answer was a replay of an earlier one. */
async function submitWithKey(order: { id: string }, key: string) {
  const response = await fetch(`${system.url}/orders`, {
    method: "POST",
    headers: { ...admin, "idempotency-key": key },
    body: JSON.stringify(order),
  });
  expect(response.status).toBe(202);
  await response.body?.cancel();
  return { replayed: response.headers.get("idempotent-replayed") === "true" };
}

/** Waits until every order has ended and both work queues are empty: a quiet system. */
async function settled(ids: string[]) {
  await waitUntil(async () => {
    for (const id of ids) {
      const { status, body } = await call("GET", `/orders/${id}`);
      if (status !== 200 || body.order.status !== "CONFIRMED") return false;
    }
    const { queues } = (await call("GET", "/_local/metrics")).body;
    return queues.OrdersQueue === 0 && queues.NotificationsQueue === 0;
  }, 60_000);
}

/** What a restore must bring back: balances, holds and every ledger entry of both accounts, and the stock. */
async function books() {
  const account = async (id: string) => {
    const { balance, held } = (await call("GET", `/accounts/${id}`)).body;
    const { entries } = (await call("GET", `/accounts/${id}/entries?limit=100`)).body;
    return { balance, held, entries };
  };
  const { onHand, reserved, available } = (await call("GET", `/inventory/${sku}`)).body;
  return { payer: await account(payer), payee: await account(payee), stock: { onHand, reserved, available } };
}

const before = orders(6, "drill-before");
const after = orders(4, "drill-after");
// The Idempotency-Key records live in the table: one used before the backup, one after.
const keyedBefore = { order: drillOrder("drill-keyed-before"), key: `drill-key-before-${stamp}` };
const keyedAfter = { order: drillOrder("drill-keyed-after"), key: `drill-key-after-${stamp}` };
const audit = async () => (await call("POST", "/admin/consistency-audit", {})).body;
let booksAtBackup: Awaited<ReturnType<typeof books>>;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "orders-drill-"));
  system = await startSystem(["--in-memory"], { ORDERS_ADMIN_TOKEN: TOKEN });
  expect((await call("PUT", `/accounts/${payer}`)).status).toBe(201);
  expect((await call("PUT", `/accounts/${payee}`)).status).toBe(201);
  expect((await call("POST", `/accounts/${payer}/deposits`, { amount: 1000, reference: "drill" })).status).toBe(200);
  expect((await call("PUT", `/inventory/${sku}`, { onHand: 40 })).status).toBe(200);
  await postOrders(system, before, TOKEN);
  await submitWithKey(keyedBefore.order, keyedBefore.key);
  await settled([...before, keyedBefore.order].map((order) => order.id));
  // A report in the bucket before the backup: the audit reads its last one to know what it read before.
  expect((await audit()).inconsistencies).toEqual([]);
  booksAtBackup = await books();
});

afterAll(async () => {
  await system?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the backup and restore drill", () => {
  const snapshot = () => join(work, "snapshot");

  it("backs up every item and object of the quiet system, with a manifest of counts and checksums", async () => {
    // Act
    const { code, stdout, stderr, ms } = script("backup", snapshot());

    // Assert
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const manifest = JSON.parse(await readFile(join(snapshot(), "manifest.json"), "utf8"));
    expect(manifest.table.items).toBeGreaterThan(before.length);
    // Each valid original is archived at orders/{id}.json.
    expect(manifest.objects.map((object: { key: string }) => object.key)).toEqual(
      expect.arrayContaining(before.map((order) => `orders/${order.id}.json`)),
    );
    expect(manifest.files.every((file: { sha256: string }) => /^[0-9a-f]{64}$/.test(file.sha256))).toBe(true);
    expect(stdout).toContain(`backed up ${manifest.table.items} items`);
    console.log(`drill: ${stdout.trim()} (${ms} ms with the script's start)`);
  });

  it("runs more orders, a deposit and an audit after the backup", async () => {
    await postOrders(system, after, TOKEN);
    await submitWithKey(keyedAfter.order, keyedAfter.key);
    expect((await call("POST", `/accounts/${payer}/deposits`, { amount: 75, reference: "late" })).status).toBe(200);
    await settled([...after, keyedAfter.order].map((order) => order.id));
    expect((await audit()).inconsistencies).toEqual([]);
    expect((await books()).payer.balance).not.toBe(booksAtBackup.payer.balance);
  });

  it("refuses to write into a table that holds data unless told to replace it", () => {
    const { code, stderr } = script("restore", snapshot());
    expect(code).toBe(1);
    expect(stderr).toMatch(/already holds? data/);
    expect(stderr).toContain("--replace");
  });

  it("refuses a corrupted snapshot, and writes nothing", async () => {
    // Arrange: one byte of the table's file changed in a copy
    const corrupted = join(work, "corrupted");
    await cp(snapshot(), corrupted, { recursive: true });
    const table = await readFile(join(corrupted, "table.jsonl"));
    table[table.length - 10] = table[table.length - 10] === 0x31 ? 0x32 : 0x31;
    await writeFile(join(corrupted, "table.jsonl"), table);

    // Act
    const { code, stderr } = script("restore", corrupted, "--replace");

    // Assert
    expect(code).toBe(1);
    expect(stderr).toContain("table.jsonl: its SHA-256 does not match the manifest's");
    expect((await call("GET", `/orders/${after[0]?.id}`)).status).toBe(200);
  });

  it("restores the snapshot: the later orders are gone, the earlier back with their ledgers", async () => {
    // Act
    const { code, stdout, stderr, ms } = script("restore", snapshot(), "--replace");

    // Assert
    expect(stderr).toBe("");
    expect(code).toBe(0);
    console.log(`drill: ${stdout.trim()} (${ms} ms with the script's start)`);
    for (const order of [...after, keyedAfter.order]) {
      expect((await call("GET", `/orders/${order.id}`)).status).toBe(404);
    }
    for (const order of [...before, keyedBefore.order]) {
      expect((await call("GET", `/orders/${order.id}`)).body.order.status).toBe("CONFIRMED");
      const verified = await call("POST", `/orders/${order.id}/verify-consistency`, {});
      expect(verified.body.consistent, JSON.stringify(verified.body.checks)).toBe(true);
    }
    expect(await books()).toEqual(booksAtBackup);
  });

  it("and the consistency audit finds 0 inconsistencies: conservation holds after the restore", async () => {
    const body = await audit();
    expect(body.inconsistencies).toEqual([]);
    expect(body.money.balancesAndHoldsCents + (body.money.inFlightCents ?? 0)).toBe(body.money.depositsCents);
    console.log(
      `drill: audit of ${body.skus} skus and ${body.accounts} accounts after the restore: ${body.inconsistencies.length} inconsistencies`,
    );
  });

  it("remembers the Idempotency-Keys used before the backup, and not those used after", async () => {
    // A key from before the backup is answered from its restored record: nothing is queued.
    expect((await submitWithKey(keyedBefore.order, keyedBefore.key)).replayed).toBe(true);
    // A key from after the backup is unknown again: the request runs, and its order (gone with the restore) is taken anew.
    expect((await submitWithKey(keyedAfter.order, keyedAfter.key)).replayed).toBe(false);
    await settled([keyedAfter.order.id]);
  });

  it("keeps working after the restore: a new order confirms and the audit stays clean", async () => {
    const next = orders(1, "drill-next");
    await postOrders(system, next, TOKEN);
    await settled(next.map((order) => order.id));
    expect((await audit()).inconsistencies).toEqual([]);
  });
});
