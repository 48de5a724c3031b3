import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Item,
  itemLine,
  objectFile,
  parseItemLine,
  readSnapshot,
  type SnapshotManifest,
  SnapshotRefusedError,
  type StoredObject,
  sha256,
  writeSnapshot,
} from "../../../scripts/cli/snapshot.ts";

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "snapshot-test-"));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function* pages<T>(...all: T[][]): AsyncGenerator<T[]> {
  for (const page of all) yield page;
}
async function* each<T>(all: T[]): AsyncGenerator<T> {
  for (const one of all) yield one;
}

const order = (id: string): Item => ({
  pk: { S: `$orders#orderId_${id}` },
  sk: { S: "$orderHistory#order_1" },
  amountCents: { N: "1250" },
  saga: { L: [{ M: { step: { S: "hold" }, ok: { BOOL: true } } }] },
});
const archived = (id: string): StoredObject => ({
  key: `orders/${id}.json`,
  body: Buffer.from(JSON.stringify({ id, amount: 12.5 })),
  contentType: "application/json",
});

/** A snapshot of three items on two pages and two objects, written into `dir`. */
async function aSnapshot(dir = join(work, "snap")) {
  const manifest = await writeSnapshot(dir, {
    createdAt: new Date("2026-12-01T10:00:00Z"),
    api: "http://127.0.0.1:3000",
    table: "orders-local-OrdersTable",
    bucket: "orders-local-ordersbucket",
    queues: { OrdersQueue: 0 },
    items: pages([order("a"), order("b")], [order("c")]),
    objects: each([archived("a"), archived("b")]),
  });
  return { dir, manifest };
}

/** Any DynamoDB attribute value, binary and nested ones included. */
const attributeValue: fc.Arbitrary<AttributeValue> = fc.letrec<{ value: AttributeValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string().map((S) => ({ S })),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => ({ N: String(n) })),
    fc.uint8Array({ minLength: 1 }).map((B) => ({ B })),
    fc.uniqueArray(fc.string(), { minLength: 1 }).map((SS) => ({ SS })),
    fc.uniqueArray(fc.integer().map(String), { minLength: 1 }).map((NS) => ({ NS })),
    fc.array(fc.uint8Array({ minLength: 1 }), { minLength: 1, maxLength: 3 }).map((BS) => ({ BS })),
    fc.boolean().map((BOOL) => ({ BOOL })),
    fc.constant({ NULL: true }),
    fc.array(tie("value"), { maxLength: 3 }).map((L) => ({ L })),
    fc.dictionary(fc.string({ minLength: 1 }), tie("value"), { maxKeys: 3 }).map((M) => ({ M })),
  ),
})).value;

/** Bytes as plain arrays, so that a Buffer and a Uint8Array of the same bytes compare equal. */
const plain = (value: unknown): unknown =>
  value instanceof Uint8Array
    ? [...value]
    : Array.isArray(value)
      ? value.map(plain)
      : value && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]))
        : value;

describe("a snapshot's table lines", () => {
  it("give back every item exactly, binary and nested values included", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), attributeValue, { minKeys: 1 }), (item) => {
        const line = itemLine(item);
        expect(line.endsWith("\n")).toBe(true);
        expect(line.slice(0, -1)).not.toContain("\n");
        expect(plain(parseItemLine(line))).toEqual(plain(item));
      }),
    );
  });

  it("are DynamoDB JSON as DynamoDB's export writes it: {Item}, binary in base64", () => {
    expect(itemLine({ pk: { S: "a" }, blob: { B: Uint8Array.from([1, 2, 255]) } })).toBe(
      '{"Item":{"pk":{"S":"a"},"blob":{"B":"AQL/"}}}\n',
    );
    expect(() => parseItemLine('{"pk":{"S":"a"}}')).toThrow('not an {"Item": {...}} line');
  });
});

describe("an object's file in the snapshot", () => {
  it("is its key as one file name, never a path out of objects/", () => {
    expect(objectFile("orders/order-001.json")).toBe("objects/orders%2Forder-001.json");
    expect(objectFile("..")).toBe("objects/%2E.");
    expect(objectFile("../../etc/passwd")).toBe("objects/%2E.%2F..%2Fetc%2Fpasswd");
    expect(objectFile(`reports/${"x".repeat(300)}`)).toMatch(/^objects\/[0-9a-f]{64}\.object$/);
  });
});

describe("writeSnapshot and readSnapshot", () => {
  it("write every item and object with a manifest of names, counts, time and each file's SHA-256, and read them back", async () => {
    // Act
    const { dir, manifest } = await aSnapshot();
    const read = await readSnapshot(dir);

    // Assert
    expect(manifest).toMatchObject({
      format: "orders-snapshot/1",
      createdAt: "2026-12-01T10:00:00.000Z",
      table: { name: "orders-local-OrdersTable", items: 3, file: "table.jsonl" },
      bucket: { name: "orders-local-ordersbucket", objects: 2 },
      objects: [
        { key: "orders/a.json", file: "objects/orders%2Fa.json", contentType: "application/json" },
        { key: "orders/b.json", file: "objects/orders%2Fb.json", contentType: "application/json" },
      ],
    });
    for (const file of manifest.files) {
      expect(file.sha256).toBe(sha256(await readFile(join(dir, file.path))));
    }
    expect(manifest.files.map((file) => file.path)).toEqual([
      "table.jsonl",
      "objects/orders%2Fa.json",
      "objects/orders%2Fb.json",
    ]);
    expect(read.manifest).toEqual(manifest);
    expect(plain(read.items)).toEqual(plain([order("a"), order("b"), order("c")]));
    expect(read.objects.map((object) => [object.key, Buffer.from(object.body).toString()])).toEqual([
      ["orders/a.json", '{"id":"a","amount":12.5}'],
      ["orders/b.json", '{"id":"b","amount":12.5}'],
    ]);
  });

  it("write an empty table and bucket as a snapshot of 0 items and 0 objects", async () => {
    const manifest = await writeSnapshot(join(work, "empty"), {
      createdAt: new Date(),
      api: "http://127.0.0.1:3000",
      table: "t",
      bucket: "b",
      queues: {},
      items: pages(),
      objects: each([]),
    });
    expect((await readSnapshot(join(work, "empty"))).items).toEqual([]);
    expect(manifest.table.items).toBe(0);
    expect(manifest.bucket.objects).toBe(0);
  });

  it("never write over a directory that holds anything", async () => {
    await mkdir(join(work, "used"));
    await writeFile(join(work, "used", "note.txt"), "mine");
    await expect(aSnapshot(join(work, "used"))).rejects.toThrow("is not empty");
  });
});

describe("readSnapshot refuses a snapshot that does not verify", () => {
  /** The problems named when reading the snapshot after `damage`. */
  async function problemsAfter(damage: (dir: string) => Promise<void>): Promise<string[]> {
    const { dir } = await aSnapshot(await mkdtemp(join(work, "snap-")));
    await damage(dir);
    const refused = await readSnapshot(dir).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(SnapshotRefusedError);
    return (refused as SnapshotRefusedError).problems;
  }

  it("one byte changed in the table's file", async () => {
    const problems = await problemsAfter(async (dir) => {
      const bytes = await readFile(join(dir, "table.jsonl"));
      bytes[20] = bytes[20] === 0x61 ? 0x62 : 0x61;
      await writeFile(join(dir, "table.jsonl"), bytes);
    });
    expect(problems).toEqual(["table.jsonl: its SHA-256 does not match the manifest's"]);
  });

  it("an object's file cut short, or gone", async () => {
    const problems = await problemsAfter(async (dir) => {
      await writeFile(join(dir, "objects/orders%2Fa.json"), "{}");
      await unlink(join(dir, "objects/orders%2Fb.json"));
    });
    expect(problems).toEqual([
      expect.stringMatching(/^objects\/orders%2Fa\.json: 2 bytes, the manifest says \d+$/),
      "objects/orders%2Fb.json: missing",
    ]);
  });

  it("no manifest (an unfinished backup), or one that is not JSON", async () => {
    expect(await problemsAfter((dir) => unlink(join(dir, "manifest.json")))).toEqual([
      "manifest.json is missing (an unfinished backup?)",
    ]);
    expect(await problemsAfter((dir) => writeFile(join(dir, "manifest.json"), "{"))).toEqual([
      "manifest.json is not JSON",
    ]);
  });

  /** Rewrites the manifest with `edit` applied. */
  const editManifest = (edit: (manifest: SnapshotManifest) => void) => async (dir: string) => {
    const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8"));
    edit(manifest);
    await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest));
  };

  it("counts that disagree with what the files hold", async () => {
    const problems = await problemsAfter(
      editManifest((manifest) => {
        manifest.table.items = 4;
        manifest.bucket.objects = 1;
      }),
    );
    expect(problems).toEqual(["table.jsonl: 3 items, the manifest says 4", "objects: 2 listed, the manifest says 1"]);
  });

  it("a file named outside the snapshot, an object without a checksum, another format", async () => {
    const problems = await problemsAfter(
      editManifest((manifest) => {
        manifest.files.push({ path: "../../outside", bytes: 1, sha256: "0".repeat(64) });
        manifest.objects.push({ key: "orders/c.json", file: "objects/orders%2Fc.json" });
        manifest.bucket.objects = 3;
      }),
    );
    expect(problems).toEqual([
      "../../outside: a path outside the snapshot",
      "objects/orders%2Fc.json (object orders/c.json): no checksum in the manifest",
    ]);
    expect(
      await problemsAfter(editManifest((manifest) => Object.assign(manifest, { format: "orders-snapshot/0" }))),
    ).toEqual(["format is orders-snapshot/0, not orders-snapshot/1"]);
  });

  it("a line of the table that is not an item, even with its checksum updated to match", async () => {
    const problems = await problemsAfter(async (dir) => {
      const text = `${await readFile(join(dir, "table.jsonl"), "utf8")}[1]\n`;
      await writeFile(join(dir, "table.jsonl"), text);
      await editManifest((manifest) => {
        manifest.files[0] = { path: "table.jsonl", bytes: Buffer.byteLength(text), sha256: sha256(text) };
        manifest.table.items = 4;
      })(dir);
    });
    expect(problems).toEqual(['table.jsonl line 4: not an {"Item": {...}} line']);
  });
});
