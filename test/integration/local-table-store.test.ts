import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClassicLevel } from "classic-level";
import fc from "fast-check";
import { MemoryLevel } from "memory-level";
import { afterAll, describe, expect, it } from "vitest";
import { migrateLevelDb } from "../../packages/local/src/leveldb-migration.ts";
import { SqliteLevel } from "../../packages/local/src/sqlite-level.ts";

// `npm start` keeps dynalite's table in SQLite (sqlite-level.ts): with LevelDB
// it lost acknowledged writes after repeated kills (issue #19). These tests
// hold the store to what dynalite needs: LevelDB's order for range reads, the
// last acknowledged value on every read, and no acknowledged write lost to a
// SIGKILL.
const dirs: string[] = [];
const fresh = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const key = fc.string({ unit: fc.constantFrom("a", "b", "~", "/", "é", "\u00ff", "0", "z"), maxLength: 4 });

describe("the SQLite store under dynalite", () => {
  it("reads ranges in LevelDB's byte order, as memory-level does", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(key, { maxLength: 30 }),
        fc.record({
          gt: fc.option(key, { nil: undefined }),
          lte: fc.option(key, { nil: undefined }),
          reverse: fc.boolean(),
          limit: fc.integer({ min: -1, max: 12 }),
        }),
        async (keys, range) => {
          const sqlite = new SqliteLevel(join(fresh("orders-store-"), "t.sqlite"));
          const memory = new MemoryLevel<string, string>();
          for (const db of [sqlite, memory]) {
            await db.open();
            await db.batch(keys.map((k, i) => ({ type: "put" as const, key: k, value: `v${i}` })));
          }
          const options = Object.fromEntries(Object.entries(range).filter(([, v]) => v !== undefined));
          const [got, want] = await Promise.all([sqlite.iterator(options).all(), memory.iterator(options).all()]);
          await Promise.all([sqlite.close(), memory.close()]);
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("reads back the last value put, deletes, and writes a batch whole", async () => {
    const db = new SqliteLevel(join(fresh("orders-store-"), "t.sqlite"));
    await db.open();
    await db.put("k", "1");
    await db.put("k", "2");
    expect(await db.get("k")).toBe("2");
    await db.del("k");
    expect(await db.get("k")).toBeUndefined();
    await expect(
      db.batch([
        { type: "put", key: "a", value: "1" },
        { type: "put", key: "b", value: undefined as unknown as string },
      ]),
    ).rejects.toThrow();
    expect(await db.get("a")).toBeUndefined();
    await db.close();
  });

  it("keeps every acknowledged write and reads back the last one, across SIGKILLs of the runtime's emulator", async () => {
    // A child runs dynalite on the store, as `npm start --data-dir` does, and
    // adds 1 to twelve ~40 KB items, each write checking that it read the
    // value its last acknowledged write left (UPDATED_NEW = previous + 1). It
    // is killed after a fixed number of acknowledged writes, five times, and a
    // sixth life checks every counter against what was acknowledged.
    const dataDir = fresh("orders-kill-store-");
    const acknowledged = new Map<string, number>();
    for (let life = 0; life < 6; life++) {
      const child = spawn(process.execPath, [join(import.meta.dirname, "../helpers/store-writer.ts"), dataDir], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let buffered = "";
      const stale: string[] = [];
      let writes = 0;
      const killAt = life === 5 ? 0 : 150 + 37 * life;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      await new Promise<void>((resolve, reject) => {
        child.once("exit", () => resolve());
        child.stdout.on("data", (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split("\n");
          buffered = lines.pop() ?? "";
          for (const line of lines) {
            const [kind, item, value] = line.split(" ");
            if (kind === "start") {
              // The counters as the new life reads them, before it writes.
              for (const [name, count] of acknowledged) {
                const seen = Number(JSON.parse(value ?? "{}")[name] ?? 0);
                if (seen < count) stale.push(`${name}: ${seen} read back, ${count} acknowledged`);
              }
              if (killAt === 0) child.kill("SIGKILL");
            }
            if (kind === "ack" && item) {
              acknowledged.set(item, Number(value));
              writes += 1;
              if (writes === killAt) child.kill("SIGKILL");
            }
            if (kind === "stale") stale.push(line);
          }
        });
        child.once("error", reject);
      });
      await exited;
      expect(stale, `life ${life}`).toEqual([]);
    }
    expect(acknowledged.size).toBe(12);
    // And the data was in SQLite, not in dynalite's own LevelDB.
    expect(existsSync(join(dataDir, "dynamodb", "table.sqlite"))).toBe(true);
    expect(existsSync(join(dataDir, "dynamodb", "CURRENT"))).toBe(false);
  }, 120_000);

  it("moves a data directory kept in LevelDB to SQLite once, every entry as stored", async () => {
    const dir = fresh("orders-migrate-");
    const leveldb = new ClassicLevel<string, string>(dir);
    const entries = Array.from({ length: 1200 }, (_, i) => [`item-t~${String(i).padStart(5, "0")}`, `{"n":${i}}`]);
    await leveldb.batch(entries.map(([k, v]) => ({ type: "put" as const, key: k as string, value: v as string })));
    await leveldb.close();
    const store = join(dir, "table.sqlite");

    expect(await migrateLevelDb(dir, store)).toBe(1200);
    expect(await migrateLevelDb(dir, store)).toBe(0);

    const db = new SqliteLevel(store);
    await db.open();
    expect(await db.iterator().all()).toEqual(entries);
    await db.close();
  });
});
