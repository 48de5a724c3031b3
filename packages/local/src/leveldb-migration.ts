import { existsSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ClassicLevel } from "classic-level";
import { SqliteLevel } from "./sqlite-level.ts";

/**
 * A data directory from before the SQLite store keeps dynalite's data as
 * LevelDB files in `dynamodb/`. This copies every entry, as stored, into
 * `store` once: into a side file first, renamed into place only when whole,
 * so a crash mid-copy leaves the LevelDB files as they were and the next
 * start copies again. The LevelDB files are left where they are.
 */
export async function migrateLevelDb(dir: string, store: string): Promise<number> {
  if (existsSync(store) || !existsSync(join(dir, "CURRENT"))) return 0;
  const partial = `${store}.partial`;
  for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(leftover, { force: true });
  const from = new ClassicLevel<string, string>(dir, { createIfMissing: false });
  const to = new SqliteLevel(partial);
  await Promise.all([from.open(), to.open()]);
  let copied = 0;
  try {
    let page: [string, string][] = [];
    const flush = async () => {
      await to.batch(page.map(([key, value]) => ({ type: "put" as const, key, value })));
      copied += page.length;
      page = [];
    };
    for await (const entry of from.iterator()) {
      page.push(entry);
      if (page.length === 500) await flush();
    }
    await flush();
  } finally {
    await Promise.all([from.close(), to.close()]);
  }
  renameSync(partial, store);
  console.log(`orders: moved ${copied} DynamoDB entries from LevelDB to ${store}`);
  return copied;
}
