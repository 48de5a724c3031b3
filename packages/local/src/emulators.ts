import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import { createRequire, Module } from "node:module";
import { join } from "node:path";
import { startFauxqs } from "fauxqs";
import { migrateLevelDb } from "./leveldb-migration.ts";
import { onLoopback } from "./loopback-only.ts";
import { SqliteLevel } from "./sqlite-level.ts";

export interface EmulatorOptions {
  /** Where state lives between runs; omit for memory only (tests). */
  dataDir?: string;
  /** 0 picks a free port. */
  sqsS3Port: number;
  dynamoPort: number;
  /** False: start no DynamoDB emulator here (another one, e.g. moto's server, serves `dynamoEndpoint`). */
  dynalite?: boolean;
}

export interface Emulators {
  /** One endpoint serves both SQS and S3. */
  sqsS3Endpoint: string;
  dynamoEndpoint: string;
  stop(): Promise<void>;
}

/** Thrown when a port is already taken, so the caller can say which. */
export class PortInUseError extends Error {
  readonly port: number;
  override readonly name = "PortInUseError";

  constructor(port: number, what: string) {
    super(`Port ${port} (${what}) is already in use`);
    this.port = port;
  }
}

/** Listens on 127.0.0.1 (or `host`); resolves with the port, or rejects with PortInUseError. */
export function listen(server: Server, port: number, what: string, host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new PortInUseError(port, what) : error),
    );
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

/**
 * fauxqs 2.4.1, when it keeps its state on disk, loses a message whose
 * visibility is set to 0 (a last attempt sent back at once, a DLQ message
 * released after a listing): its store's "ready" write also sets the receive
 * count to NULL, which its own table refuses (NOT NULL), and the error comes
 * after the message has left memory, so neither the queue nor its DLQ holds
 * it any more. Found by the notifier-crash scenario (one event lost in 400
 * orders). This replaces that one write with one that clears only the
 * in-flight columns. Remove it once fauxqs fixes the write.
 */
async function patchFauxqsReadyWrite(): Promise<void> {
  const url = new URL("./persistence.js", import.meta.resolve("fauxqs"));
  const { PersistenceManager } = (await import(url.href)) as {
    PersistenceManager: { prototype: { updateMessageReady(id: string): void; db: unknown } };
  };
  PersistenceManager.prototype.updateMessageReady = function updateMessageReady(
    this: {
      db: { prepare(sql: string): { run(...values: unknown[]): unknown } };
    },
    messageId: string,
  ) {
    this.db
      .prepare("UPDATE sqs_messages SET receipt_handle = NULL, visibility_deadline = NULL WHERE message_id = ?")
      .run(messageId);
  };
}

/**
 * Where dynalite keeps a data directory's table: `sqlite`, or `leveldb` (dynalite's own store, kept only to
 * reproduce issue #19: `ORDERS_DYNAMO_STORE=leveldb`).
 */
export type DynamoStore = "sqlite" | "leveldb";

export function dynamoStoreOf(env: NodeJS.ProcessEnv = process.env): DynamoStore {
  const store = env.ORDERS_DYNAMO_STORE ?? "sqlite";
  if (store !== "sqlite" && store !== "leveldb") {
    throw new Error(`ORDERS_DYNAMO_STORE must be sqlite or leveldb, not ${store}`);
  }
  return store;
}

/**
 * dynalite, with its on-disk store replaced: dynalite opens `new Level(path)`
 * from the `level` package (LevelDB), which lost acknowledged writes after
 * repeated kills (see `sqlite-level.ts`). The module cache is primed so that
 * dynalite's `require("level")` gets `SqliteLevel` instead; in memory it
 * keeps using memory-level, which it requires itself.
 */
async function loadDynalite(store: DynamoStore): Promise<typeof import("dynalite").default> {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve("dynalite"));
  const levelPath = fromDynalite.resolve("level");
  if (store === "sqlite" && !fromDynalite.cache[levelPath]) {
    const replaced = new Module(levelPath);
    replaced.filename = levelPath;
    replaced.loaded = true;
    replaced.exports = { Level: SqliteLevel };
    fromDynalite.cache[levelPath] = replaced;
  }
  const loaded = (await import("dynalite")).default;
  // dynalite read `level` once, when it was first loaded: had anything loaded it before, it would hold LevelDB.
  // (By name: a test runner may load this module more than once, each time with a class of its own.)
  const kept = (fromDynalite.cache[levelPath]?.exports as { Level?: { name?: string } } | undefined)?.Level;
  if (store === "sqlite" && kept?.name !== SqliteLevel.name) {
    throw new Error("dynalite was loaded before its store could be replaced: it would keep its data in LevelDB");
  }
  return loaded;
}

/**
 * Starts dynalite (DynamoDB) and fauxqs (SQS, SNS and S3) in this process,
 * both on 127.0.0.1 only (fauxqs through `onLoopback`).
 */
export async function startEmulators(options: EmulatorOptions): Promise<Emulators> {
  const dirs = options.dataDir
    ? { dynamo: join(options.dataDir, "dynamodb"), sqs: join(options.dataDir, "sqs"), s3: join(options.dataDir, "s3") }
    : undefined;
  if (dirs) for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const kind = dynamoStoreOf();
  const store = dirs ? (kind === "sqlite" ? join(dirs.dynamo, "table.sqlite") : dirs.dynamo) : undefined;
  if (dirs && store && kind === "sqlite") await migrateLevelDb(dirs.dynamo, store);

  const dynalite = await loadDynalite(kind);
  const dynamo: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(store ? { path: store } : {}),
  });
  const dynamoPort = await listen(dynamo, options.dynamoPort, "DynamoDB emulator");
  const closeDynamo = () => new Promise<void>((resolve) => dynamo.close(() => resolve()));

  let fauxqs: Awaited<ReturnType<typeof startFauxqs>>;
  if (dirs) await patchFauxqsReadyWrite();
  try {
    fauxqs = await onLoopback(() =>
      startFauxqs({
        port: options.sqsS3Port,
        host: "127.0.0.1",
        logger: false,
        ...(dirs ? { dataDir: dirs.sqs, s3StorageDir: dirs.s3 } : {}),
      }),
    );
  } catch (error) {
    await closeDynamo();
    const code = (error as NodeJS.ErrnoException).code;
    throw code === "EADDRINUSE" ? new PortInUseError(options.sqsS3Port, "SQS and S3 emulator") : error;
  }

  return {
    sqsS3Endpoint: `http://127.0.0.1:${fauxqs.port}`,
    dynamoEndpoint: `http://127.0.0.1:${dynamoPort}`,
    async stop() {
      await Promise.allSettled([fauxqs.stop(), closeDynamo()]);
    },
  };
}
