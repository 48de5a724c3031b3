import { type AttributeValue, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoAccountLedger } from "@orders/core/adapters/dynamo-account-ledger";
import { DynamoStockLedger } from "@orders/core/adapters/dynamo-stock-ledger";
import { stored } from "@orders/core/adapters/ledger-entries";
import { ACCOUNT_ARCHIVE_AT, ACCOUNT_MARKER_CAP, STOCK_MARKER_CAP } from "@orders/core/adapters/ledger-fence";
import { markerKey } from "@orders/core/adapters/marker-keys";
import { accountKey, stockKey } from "@orders/core/adapters/table-writes";
import { ledgerTotalCents } from "@orders/core/domain/consistency";
import { createOrderValidator } from "@orders/core/domain/validation";
import type { LedgerEntry } from "@orders/core/ports";
import { processOrder } from "@orders/core/use-cases/process-order";
import { anOrder, anOrderMessage, anOrderWithItems, uniqueOrderId } from "@orders/harness/factories";
import { itemSizeBytes } from "@orders/harness/item-size";
import { localStage } from "@orders/harness/local-stage";
import { describe, expect, inject, it } from "vitest";
import { crashPoints } from "../helpers/crash-points.ts";

const stage = await localStage({ sqsS3Endpoint: inject("sqsS3Endpoint"), dynamoEndpoint: inject("dynamoEndpoint") });
const { accountLedger, dynamoClient, orderRepository, stockLedger } = await import(
  "@orders/functions/composition/table"
);
const { lazyTable } = await import("@orders/functions/composition/lazy-table");
const { orderArchive } = await import("@orders/functions/composition/bucket");
const { orderEvents } = await import("@orders/functions/composition/topic");

const backend = inject("dynamoBackend");
const client = dynamoClient();
const accounts = accountLedger();
const stock = stockLedger();
const deps = {
  repository: orderRepository(),
  stock,
  accounts,
  events: orderEvents(),
  archive: orderArchive(),
  validate: createOrderValidator(),
};
const crashes = crashPoints(client);
const at = () => new Date().toISOString();
/** Another process: its own adapters, which have read nothing yet, on the same table. */
const anotherProcess = () => ({
  accounts: new DynamoAccountLedger(lazyTable()),
  stock: new DynamoStockLedger(lazyTable()),
});

let counter = 0;
function freshAccount(prefix: "1" | "7" = "1"): string {
  counter += 1;
  return `${prefix}${`${Date.now() % 1e9}${counter}`.padStart(14, "0")}`;
}
const freshSku = () => uniqueOrderId("sku").slice(0, 48);

/** Writes an item straight to the table as the adapters store it, ElectroDB's identifiers included. */
async function putRaw(entity: string, key: { pk: string; sk: string }, fields: Record<string, unknown>) {
  await client.send(
    new PutCommand({
      TableName: stage.resources.table,
      Item: { ...key, __edb_e__: entity, __edb_v__: "1", ...fields },
    }),
  );
}

/** An account item written straight to the table: nothing held, made at `made`, and `fields`. */
const putAccount = (accountId: string, fields: Record<string, unknown>, made = "2026-01-01T00:00:00.000Z") =>
  putRaw("account", accountKey(accountId), { accountId, held: 0, createdAt: made, updatedAt: made, ...fields });

async function rawItem(key: { pk: string; sk: string }): Promise<Record<string, AttributeValue>> {
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: stage.resources.table,
      Key: { pk: { S: key.pk }, sk: { S: key.sk } },
      ConsistentRead: true,
    }),
  );
  if (!Item) throw new Error(`no item ${key.pk}`);
  return Item;
}

const markersIn = (item: Record<string, AttributeValue>, map: "holds" | "transfers") =>
  Object.keys(item[map]?.M ?? {}).length;

/** Every entry of an account, page by page through the listing, newest first. */
async function allEntries(accountId: string, limit: number): Promise<LedgerEntry[]> {
  const listed: LedgerEntry[] = [];
  let after: { at: string; transferId: string } | undefined;
  do {
    const page = await accounts.entries(accountId, limit, after);
    listed.push(...page.entries);
    after = page.next;
  } while (after);
  return listed;
}

/** Settled deposits enough to fill an account's item to its cap. */
async function fillToCap(accountId: string, cents: number): Promise<void> {
  for (let i = 0; i < ACCOUNT_MARKER_CAP; i++) await accounts.deposit(accountId, `fill-${i}`, cents, at());
}

describe(`bounded ledger items (${backend})`, () => {
  const ORDERS = 300;

  it(`keeps one merchant's and one sku's items under 1 KB through ${ORDERS} orders, every cent and unit kept`, async () => {
    // Arrange: four payers, one merchant paid by every order, one sku every order buys.
    const payers = [freshAccount(), freshAccount(), freshAccount(), freshAccount()];
    const merchant = freshAccount("7");
    const sku = freshSku();
    for (const payer of [...payers, merchant]) await accounts.open(payer, at());
    for (const payer of payers) await accounts.deposit(payer, "seed", ORDERS * 300, at());
    await stock.setOnHand(sku, ORDERS + 10, at());
    const messages = Array.from({ length: ORDERS }, (_, i) =>
      anOrderMessage(
        anOrderWithItems([{ sku, quantity: 1, unitPrice: 3 }], {
          fromAccount: payers[i % payers.length],
          toAccount: merchant,
        }),
      ),
    );
    const largest = { stock: 0, merchant: 0, payer: 0 };
    const measure = async () => {
      largest.stock = Math.max(largest.stock, itemSizeBytes(await rawItem(stockKey(sku))));
      largest.merchant = Math.max(largest.merchant, itemSizeBytes(await rawItem(accountKey(merchant))));
      largest.payer = Math.max(largest.payer, itemSizeBytes(await rawItem(accountKey(payers[0] as string))));
    };

    // Act: four at a time, the raw items measured after every batch.
    const statuses: string[] = [];
    for (let i = 0; i < messages.length; i += 4) {
      const results = await Promise.all(messages.slice(i, i + 4).map((message) => processOrder(message, deps)));
      statuses.push(...results.map(({ record }) => record.status));
      await measure();
    }

    // Assert: every order confirmed; no item past 1 KB (one write unit a write), though each was archived many times.
    expect(statuses.filter((status) => status !== "CONFIRMED")).toEqual([]);
    expect(largest.stock).toBeLessThanOrEqual(1024);
    expect(largest.merchant).toBeLessThanOrEqual(1024);
    expect(largest.payer).toBeLessThanOrEqual(1024);
    const merchantItem = await rawItem(accountKey(merchant));
    const skuItem = await rawItem(stockKey(sku));
    expect(Number(merchantItem.gen?.N)).toBeGreaterThan(ORDERS / ACCOUNT_MARKER_CAP / 2);
    expect(Number(skuItem.gen?.N)).toBeGreaterThan(0);
    expect(markersIn(merchantItem, "transfers")).toBeLessThanOrEqual(ACCOUNT_MARKER_CAP);
    expect(markersIn(skuItem, "holds")).toBeLessThanOrEqual(STOCK_MARKER_CAP);
    console.log(`largest items over ${ORDERS} orders (${backend}), in bytes: ${JSON.stringify(largest)}`);
    // Every cent and unit.
    expect(await accounts.find(merchant)).toMatchObject({ balanceCents: ORDERS * 300, heldCents: 0 });
    let paid = 0;
    for (const payer of payers) {
      const state = await accounts.find(payer);
      expect(state?.heldCents).toBe(0);
      paid += ORDERS * 300 - (state?.balanceCents ?? 0);
    }
    expect(paid).toBe(ORDERS * 300);
    expect(await stock.find(sku)).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
    // The merchant's ledger lists every credit once, newest first, and sums to its balance.
    const listed = await allEntries(merchant, 37);
    expect(listed).toHaveLength(ORDERS);
    expect(new Set(listed.map((entry) => entry.transferId)).size).toBe(ORDERS);
    const positions = listed.map((entry) => `${entry.at}|${entry.transferId}`);
    expect(positions).toEqual([...positions].sort().reverse());
    expect(ledgerTotalCents(listed)).toBe(ORDERS * 300);
    // The order's reservations still read as committed, from the archive.
    const first = messages[0]?.order.id as string;
    expect((await stock.reservationsOf(first, [sku])).get(sku)).toEqual({ quantity: 1, status: "COMMITTED" });
  }, 240_000);

  it("keeps an item at its cap under 4 KB whatever its ids and markers", async () => {
    // Arrange: accounts and a sku filled to their caps with markers that never settle (holds, reservations),
    // and voids whose reasons are long; ids of 20 and of the longest allowed lengths.
    const id = (length: number, i: number) => `${i}-${"x".repeat(length)}`.slice(0, length);
    const longReason = { code: "OUT_OF_STOCK" as const, message: "m".repeat(500), details: [{ sku: "s".repeat(64) }] };
    const typical = freshAccount();
    const longest = `9${"9".repeat(8)}${String(Date.now()).slice(-11)}`;
    for (const accountId of [typical, longest]) {
      await accounts.open(accountId, at());
      await accounts.deposit(accountId, "seed", 10_000_000, at());
    }
    const skuTypical = freshSku().slice(0, 10);
    const skuLongest = `${freshSku()}${"s".repeat(64)}`.slice(0, 64);
    for (const sku of [skuTypical, skuLongest]) await stock.setOnHand(sku, 1_000_000, at());
    // Each account holds its deposit (settled, and too few to archive) and then holds up to its cap.
    for (let i = 0; i < ACCOUNT_MARKER_CAP - 2; i++) {
      await accounts.hold(typical, `order:${id(20, i)}`, 99_999, id(20, i), at());
      await accounts.hold(longest, `order:${id(64, i)}`, 99_999, id(64, i), at());
    }
    for (let i = 0; i < STOCK_MARKER_CAP - 1; i++) {
      await stock.reserve(skuTypical, id(20, i), 10);
      await stock.reserve(skuLongest, id(64, i), 10_000);
    }
    // Settled markers are archived in threes, so an item full of them is one whose archiving kept failing: written
    // here as the adapter stores them, voids of the longest ids with long reasons, the largest kind of marker.
    const voids = `8${"8".repeat(8)}${String(Date.now()).slice(-11)}`;
    await putAccount(
      voids,
      {
        balance: 99_999_999_999,
        gen: 99,
        archivedNet: 99_999_999_999,
        archivedDeposits: 99_999_999_999,
        transfers: Object.fromEntries(
          Array.from({ length: ACCOUNT_MARKER_CAP }, (_, i) => {
            const transferId = `refund:${id(64, i)}`;
            const entry = {
              transferId,
              kind: "DEBIT" as const,
              amountCents: 99_999,
              status: "VOIDED" as const,
              at: at(),
            };
            return [markerKey(transferId), stored(entry, longReason)];
          }),
        ),
      },
      at(),
    );
    // Act: the last marker each item can take.
    const last = ACCOUNT_MARKER_CAP - 2;
    await accounts.hold(typical, `order:${id(20, last)}`, 99_999, id(20, last), at());
    await accounts.hold(longest, `order:${id(64, last)}`, 99_999, id(64, last), at());
    await stock.reserve(skuTypical, id(20, STOCK_MARKER_CAP - 1), 10);
    await stock.reserve(skuLongest, id(64, STOCK_MARKER_CAP - 1), 10_000);
    // Assert
    const sizes = {
      typical: itemSizeBytes(await rawItem(accountKey(typical))),
      longest: itemSizeBytes(await rawItem(accountKey(longest))),
      voids: itemSizeBytes(await rawItem(accountKey(voids))),
      skuTypical: itemSizeBytes(await rawItem(stockKey(skuTypical))),
      skuLongest: itemSizeBytes(await rawItem(stockKey(skuLongest))),
    };
    console.log(`items at their caps (${backend}), in bytes: ${JSON.stringify(sizes)}`);
    expect(markersIn(await rawItem(accountKey(typical)), "transfers")).toBe(ACCOUNT_MARKER_CAP);
    expect(markersIn(await rawItem(stockKey(skuLongest)), "holds")).toBe(STOCK_MARKER_CAP);
    for (const [name, bytes] of Object.entries(sizes)) expect(bytes, name).toBeLessThanOrEqual(4096);
    // A full item of holds refuses one more, after waiting for room: the payment fails its attempt, never the order.
    await expect(accounts.hold(typical, "order:one-too-many", 1, "one-too-many", at())).rejects.toMatchObject({
      message: "table: hold payment failed",
      cause: expect.objectContaining({ message: expect.stringMatching(/hold kept losing races/) }),
    });
  });

  it("never applies a transfer again once it was archived, whichever process retries it", async () => {
    // Arrange: a payment held, posted and credited by one process...
    const payer = freshAccount();
    const payee = freshAccount("7");
    for (const id of [payer, payee]) await accounts.open(id, at());
    await accounts.deposit(payer, "seed", 100_000, at());
    const stale = anotherProcess();
    const orderId = uniqueOrderId();
    const transferId = `order:${orderId}`;
    expect(await stale.accounts.hold(payer, transferId, 2500, orderId, at())).toEqual({ status: "HELD" });
    await stale.accounts.post(payer, transferId, 2500, at());
    await stale.accounts.credit(payee, transferId, 2500, orderId, at());
    // ...then archived by another, while the first still remembers the items as never archived.
    await fillToCap(payer, 1);
    await fillToCap(payee, 1);
    await accounts.deposit(payer, "after", 1, at());
    await accounts.deposit(payee, "after", 1, at());
    for (const id of [payer, payee]) {
      expect(Number((await rawItem(accountKey(id))).gen?.N)).toBeGreaterThan(0);
      expect((await rawItem(accountKey(id))).transfers?.M?.[markerKey(transferId)]).toBeUndefined();
    }
    const before = [await accounts.find(payer), await accounts.find(payee)];

    // Act: the first process, and a fresh one, redo every step of the payment.
    const redone = [];
    for (const process of [stale, anotherProcess()]) {
      redone.push(await process.accounts.hold(payer, transferId, 2500, orderId, at()));
      redone.push(await process.accounts.post(payer, transferId, 2500, at()));
      await process.accounts.credit(payee, transferId, 2500, orderId, at());
      redone.push(
        await process.accounts.void(
          payer,
          transferId,
          2500,
          { code: "SAGA_TIMEOUT", message: "timed out" },
          orderId,
          at(),
        ),
      );
    }

    // Assert: each step reads the archived outcome; no balance moved.
    expect(redone).toEqual([
      { status: "POSTED" },
      { status: "POSTED" },
      { status: "POSTED" },
      { status: "POSTED" },
      { status: "POSTED" },
      { status: "POSTED" },
    ]);
    expect([await accounts.find(payer), await accounts.find(payee)]).toEqual(before);
    expect(await accounts.transfer(payee, transferId)).toMatchObject({ kind: "CREDIT", status: "POSTED" });
  });

  it("never reserves, releases or returns units again once the reservation was archived", async () => {
    // Arrange: a reservation held and committed, then the sku's item archived past it.
    const sku = freshSku();
    await stock.setOnHand(sku, 1000, at());
    const stale = anotherProcess();
    const orderId = uniqueOrderId();
    expect(await stale.stock.reserve(sku, orderId, 3)).toEqual({ status: "HELD" });
    expect(await stale.stock.commit(sku, orderId, 3)).toBe("COMMITTED");
    for (let i = 0; i < STOCK_MARKER_CAP; i++) {
      const other = uniqueOrderId();
      await stock.reserve(sku, other, 1);
      await stock.release(sku, other, 1);
    }
    expect((await rawItem(stockKey(sku))).holds?.M?.[markerKey(orderId)]).toBeUndefined();
    const before = await stock.find(sku);

    // Act
    const again = await stale.stock.reserve(sku, orderId, 3);
    const released = await stale.stock.release(sku, orderId, 3);
    const returned = [
      await stale.stock.restock(sku, orderId, 3),
      await anotherProcess().stock.restock(sku, orderId, 3),
    ];

    // Assert: the reservation reads as settled; the units came back once.
    expect(again).toEqual({ status: "COMMITTED" });
    expect(released).toBe("COMMITTED");
    expect(returned).toEqual(["RETURNED", "RETURNED"]);
    expect(await stock.find(sku)).toMatchObject({ onHand: (before?.onHand ?? 0) + 3, reserved: 0 });
    expect((await stock.reservationsOf(orderId, [sku])).get(sku)).toEqual({ quantity: 3, status: "RETURNED" });
  });

  /** An account whose item holds `settled` posted deposits of 100 cents, written as a writer before archiving left it. */
  async function accountWith(settled: number): Promise<string> {
    const accountId = freshAccount("7");
    const transfers = Object.fromEntries(
      Array.from({ length: settled }, (_, i) => [
        markerKey(`deposit:fill-${i}`),
        { id: `deposit:fill-${i}`, k: "DEPOSIT", a: 100, s: "POSTED", t: `2026-01-01T00:00:0${i}.000Z` },
      ]),
    );
    await putAccount(accountId, { balance: settled * 100, transfers });
    return accountId;
  }

  it.each([
    ["whose marker is the one that starts archiving", ACCOUNT_ARCHIVE_AT - 1],
    ["that meets a full item and archives it first", ACCOUNT_MARKER_CAP],
  ])("credits once, a credit %s, whatever write the process dies at", async (_, settled) => {
    // Arrange: how many writes such a credit makes (the credit, the archive's puts, the removal; or the
    // refused credit first).
    const probe = await accountWith(settled);
    crashes.reset();
    await anotherProcess().accounts.credit(probe, "order:probe", 500, "probe", at());
    const writes = crashes.writes();
    expect(writes).toBeGreaterThanOrEqual(3);

    for (let n = 0; n < writes; n++) {
      for (const when of ["before", "after"] as const) {
        const payee = await accountWith(settled);
        const orderId = uniqueOrderId();
        const label = `crash ${when} write ${n}`;
        // Act: a process dies at write n (a death inside the archiving, which never fails the credit that
        // started it, leaves the credit answered); another redelivers the credit, and a third once more.
        crashes.arm(n, when);
        await anotherProcess()
          .accounts.credit(payee, `order:${orderId}`, 500, orderId, at())
          .catch(() => undefined);
        crashes.disarm();
        await anotherProcess().accounts.credit(payee, `order:${orderId}`, 500, orderId, at());
        await anotherProcess().accounts.credit(payee, `order:${orderId}`, 500, orderId, at());
        // Assert: credited once; every entry listed once; the item within its cap.
        expect((await accounts.find(payee))?.balanceCents, label).toBe(settled * 100 + 500);
        const listed = await allEntries(payee, 3);
        expect(listed.map((entry) => entry.transferId).sort(), label).toEqual(
          [...Array.from({ length: settled }, (_, i) => `deposit:fill-${i}`), `order:${orderId}`].sort(),
        );
        expect(ledgerTotalCents(listed), label).toBe(settled * 100 + 500);
        expect(markersIn(await rawItem(accountKey(payee)), "transfers"), label).toBeLessThanOrEqual(ACCOUNT_MARKER_CAP);
      }
    }
  });

  it("audits from the items' sums and what was archived since, and names a stuck transfer until it is put right", async () => {
    // Arrange: a payer and a merchant; one order dies after its payment posted, before the credit.
    const { auditDeps } = await import("@orders/functions/composition/audit");
    const { auditLedgers } = await import("@orders/core/use-cases/audit/audit-ledgers");
    const payer = freshAccount();
    const merchant = freshAccount("7");
    for (const id of [payer, merchant]) await accounts.open(id, at());
    await accounts.deposit(payer, "seed", 100_000, at());
    const stuck = anOrderMessage(anOrder({ amount: 25, fromAccount: payer, toAccount: merchant }));
    crashes.reset();
    crashes.arm(3, "before"); // the claim, the hold, the post; then the credit never happens
    await expect(processOrder(stuck, deps)).rejects.toThrow();
    crashes.disarm();
    const transferId = `order:${stuck.order.id}`;
    expect(await accounts.transfer(payer, transferId)).toMatchObject({ kind: "DEBIT", status: "POSTED" });
    expect(await accounts.transfer(merchant, transferId)).toBeUndefined();
    // Orders that settle, and deposits, until both items have archived several times (the stuck debit too).
    for (let i = 0; i < 10; i++) {
      await processOrder(anOrderMessage(anOrder({ amount: 1, fromAccount: payer, toAccount: merchant })), deps);
      await accounts.deposit(payer, `more-${i}`, 100, at());
    }
    expect((await rawItem(accountKey(payer))).transfers?.M?.[markerKey(transferId)]).toBeUndefined();
    const mine = (report: { inconsistencies: { id: string }[] }) =>
      report.inconsistencies.filter((found) => [payer, merchant, stuck.order.id].includes(found.id));
    const audit = (days: number) =>
      auditLedgers({ ...auditDeps(), clock: { now: () => new Date(Date.now() + days * 86_400_000) } });

    // Act and assert: the first audit reads every entry, and names the stuck transfer, alone.
    const first = await audit(1);
    expect(first.since).toBeUndefined();
    expect(mine(first)).toEqual([expect.objectContaining({ kind: "order", id: stuck.order.id, transferId })]);
    expect(mine(first)[0]).toMatchObject({ expected: 2500, actual: 0 });
    // Two days on, it reads only what was archived since the first (none of these entries), and counts the
    // rest by the items' sums: the accounts still agree, and the stuck transfer is judged again by key.
    const second = await audit(3);
    expect(second.since).toBeDefined();
    const view = (await accounts.auditView(second.since)).find((account) => account.accountId === payer);
    expect(view?.recent).toEqual([]);
    expect(view?.archivedNetCents).toBeGreaterThan(0);
    expect(mine(second)).toEqual([expect.objectContaining({ kind: "order", id: stuck.order.id })]);
    // Put right (the order redelivered, its credit applied): the next audit names nothing of these.
    expect((await processOrder(stuck, deps)).record.status).toBe("CONFIRMED");
    expect(mine(await audit(5))).toEqual([]);
  });

  it("moves an account and a sku written before archiving to the new model on their next write", async () => {
    // Arrange: items as the code before archiving wrote them: no gen, hundreds of settled markers.
    const merchant = freshAccount("7");
    const payer = freshAccount();
    const sku = freshSku();
    const old = 400;
    const transfers: Record<string, object> = {};
    const holds: Record<string, string> = {};
    for (let i = 0; i < old; i++) {
      const orderId = `old-${i}`;
      const t = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
      transfers[markerKey(`order:${orderId}`)] = {
        id: `order:${orderId}`,
        k: "CREDIT",
        a: 100,
        s: "POSTED",
        t,
        o: orderId,
      };
      holds[markerKey(orderId)] = i % 10 === 0 ? "X1" : "C1";
    }
    const made = "2026-01-01T00:00:00.000Z";
    await putAccount(merchant, { balance: old * 100, transfers }, made);
    await putRaw("stock", stockKey(sku), { sku, onHand: 50, reserved: 0, available: 50, holds, updatedAt: made });
    await accounts.open(payer, at());
    await accounts.deposit(payer, "seed", 10_000, at());
    const oldSize = itemSizeBytes(await rawItem(accountKey(merchant)));

    // Act: one order through them.
    const message = anOrderMessage(
      anOrderWithItems([{ sku, quantity: 2, unitPrice: 5 }], { fromAccount: payer, toAccount: merchant }),
    );
    const { record } = await processOrder(message, deps);

    // Assert: confirmed; both items under their caps and 1 KB; every old entry still listed and counted.
    expect(record.status).toBe("CONFIRMED");
    const merchantItem = await rawItem(accountKey(merchant));
    expect(oldSize).toBeGreaterThan(40_000);
    expect(itemSizeBytes(merchantItem)).toBeLessThanOrEqual(1024);
    expect(itemSizeBytes(await rawItem(stockKey(sku)))).toBeLessThanOrEqual(1024);
    expect(markersIn(merchantItem, "transfers")).toBeLessThan(ACCOUNT_MARKER_CAP);
    expect(await accounts.find(merchant)).toMatchObject({ balanceCents: old * 100 + 1000, heldCents: 0 });
    const listed = await allEntries(merchant, 100);
    expect(listed).toHaveLength(old + 1);
    expect(ledgerTotalCents(listed)).toBe(old * 100 + 1000);
    expect(await stock.find(sku)).toMatchObject({ onHand: 48, reserved: 0 });
    expect((await stock.reservationsOf("old-3", [sku])).get(sku)).toEqual({ quantity: 1, status: "COMMITTED" });
    expect((await stock.reservationsOf("old-10", [sku])).get(sku)).toEqual({ quantity: 1, status: "RETURNED" });
    // A return of an order sold before archiving still applies once.
    expect(await stock.restock(sku, "old-3", 1)).toBe("RETURNED");
    expect(await stock.restock(sku, "old-3", 1)).toBe("RETURNED");
    expect(await stock.restock(sku, "old-10", 1)).toBe("RETURNED");
    expect(await stock.find(sku)).toMatchObject({ onHand: 49 });
  }, 120_000);
});
