import { DatabaseSync, type StatementSync } from "node:sqlite";
import { AbstractIterator, AbstractLevel } from "abstract-level";

/**
 * The on-disk store under dynalite, in place of LevelDB (classic-level).
 *
 * Why: with its data kept in LevelDB, dynalite lost acknowledged writes after
 * the runtime had been killed and restarted on the same directory a few
 * times. A `get` returned a version of an item older than the last `put`
 * that had completed (in one run, 30 s older; the LevelDB history showed the
 * put done, then the old value read back two seconds later), and dynalite's
 * UpdateItem, a read-modify-write of the whole item under its own lock, wrote
 * that old copy back, erasing every write the item had taken in between:
 * ledger entries, balances, reservations. Each item stayed consistent with
 * itself, so only cross-item checks saw it (issue #19; README, "Exactly once,
 * without transactions").
 *
 * SQLite (Node's built-in `node:sqlite`) in WAL mode commits each write
 * before the call returns, survives a killed process, and always reads the
 * last committed value. Keys are compared as bytes (BINARY collation over
 * UTF-8), the order LevelDB gives dynalite's range reads. Iterators read in
 * pages of 100 by key, so they may see writes made while they run: dynalite's
 * Query and Scan, like DynamoDB's, promise no snapshot.
 */

interface Range {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  reverse: boolean;
  limit: number;
}

const PAGE = 100;

class SqliteIterator extends AbstractIterator<SqliteLevel, string, string> {
  readonly #db: SqliteLevel;
  readonly #range: Range;
  /** The last key read from the table: the next page starts after it. */
  #after: string | undefined;
  #done = false;
  /** Rows read and not yet yielded: dynalite's streams call `next()` once per item, one query a page serves many. */
  #buffered: [string, string][] = [];

  constructor(db: SqliteLevel, options: Range & Record<string, unknown>) {
    super(db, options);
    this.#db = db;
    this.#range = options;
  }

  async _next(): Promise<[string, string] | undefined> {
    const [entry] = await this._nextv(1);
    return entry;
  }

  async _nextv(size: number): Promise<[string, string][]> {
    if (this.#buffered.length === 0 && !this.#done) {
      // A limited range reads no more than it may yield.
      const limit = this.#range.limit >= 0 ? Math.min(PAGE, this.#range.limit) : PAGE;
      this.#buffered = this.#db.page(this.#range, this.#after, Math.max(1, limit));
      if (this.#buffered.length === 0) this.#done = true;
      else this.#after = this.#buffered[this.#buffered.length - 1]?.[0];
    }
    return this.#buffered.splice(0, size);
  }
}

/** An `abstract-level` database over one SQLite file: what dynalite's `Level` is asked to be. */
export class SqliteLevel extends AbstractLevel<string, string> {
  readonly #file: string;
  #db: DatabaseSync | undefined;
  #statements = new Map<string, StatementSync>();

  constructor(file: string, options?: object) {
    super({ encodings: { utf8: true }, implicitSnapshots: false, explicitSnapshots: false }, options);
    this.#file = file;
  }

  get location(): string {
    return this.#file;
  }

  #sql(text: string): StatementSync {
    const db = this.#db;
    if (!db) throw new Error("The SQLite store is not open");
    let statement = this.#statements.get(text);
    if (!statement) {
      statement = db.prepare(text);
      this.#statements.set(text, statement);
    }
    return statement;
  }

  async _open(): Promise<void> {
    const db = new DatabaseSync(this.#file);
    // WAL: a commit is in the log before the call returns, so a killed process loses no acknowledged write.
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
    db.exec("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID");
    this.#db = db;
  }

  async _close(): Promise<void> {
    this.#statements.clear();
    this.#db?.close();
    this.#db = undefined;
  }

  async _get(key: string): Promise<string | undefined> {
    const row = this.#sql("SELECT v FROM kv WHERE k = ?").get(key) as { v: string } | undefined;
    return row?.v;
  }

  async _getMany(keys: string[]): Promise<(string | undefined)[]> {
    return keys.map((key) => (this.#sql("SELECT v FROM kv WHERE k = ?").get(key) as { v: string } | undefined)?.v);
  }

  async _put(key: string, value: string): Promise<void> {
    this.#sql("INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v").run(key, value);
  }

  async _del(key: string): Promise<void> {
    this.#sql("DELETE FROM kv WHERE k = ?").run(key);
  }

  async _batch(operations: { type: "put" | "del"; key: string; value?: string }[]): Promise<void> {
    const db = this.#db;
    if (!db) throw new Error("The SQLite store is not open");
    db.exec("BEGIN IMMEDIATE");
    try {
      for (const op of operations) {
        if (op.type === "put") await this._put(op.key, op.value ?? "");
        else await this._del(op.key);
      }
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }

  _iterator(options: Range & Record<string, unknown>): SqliteIterator {
    return new SqliteIterator(this, options);
  }

  /** One page of a range read, after `after` in the range's direction. */
  page(range: Range, after: string | undefined, size: number): [string, string][] {
    const where: string[] = [];
    const values: string[] = [];
    const bound = (op: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(`k ${op} ?`);
      values.push(value);
    };
    bound(">", range.gt);
    bound(">=", range.gte);
    bound("<", range.lt);
    bound("<=", range.lte);
    bound(range.reverse ? "<" : ">", after);
    const order = range.reverse ? "DESC" : "ASC";
    const text = `SELECT k, v FROM kv${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY k ${order} LIMIT ?`;
    const rows = this.#sql(text).all(...values, size) as { k: string; v: string }[];
    return rows.map((row) => [row.k, row.v]);
  }
}
