import { cliArgs, defaultApiUrl } from "./args.ts";
import {
  bucketIsEmpty,
  busyQueues,
  clearBucket,
  clearTable,
  countItems,
  countObjects,
  findLocalSystem,
  type LocalClients,
  type LocalSystem,
  localClients,
  putObjects,
  queueDepths,
  readObjects,
  scanTable,
  tableIsEmpty,
  writeItems,
} from "./local-data.ts";
import { type Item, readSnapshot, type SnapshotManifest, writeSnapshot } from "./snapshot.ts";

/**
 * `npm run backup` and `npm run restore`: the local system's table and bucket
 * to a snapshot directory and back. The scripts parse their arguments and
 * find the running system; what they do is here, on clients they are given.
 */

const FINDING = `The running system is found through its API: --url, else ORDERS_API_URL, else http://localhost:$PORT
(else 3000), whose GET /_local/resources names the emulators' endpoints, the table and the bucket.
Queues are not backed up (their messages are in flight); both commands refuse to run while OrdersQueue or
NotificationsQueue hold messages, unless --allow-busy.`;

export const BACKUP_USAGE = `usage: npm run backup -- <dir> [--url <api>] [--allow-busy]

Copies every item of the local system's table (a paginated Scan, as JSON lines) and every object of
its bucket into <dir>, a new directory, with manifest.json (names, counts, time, each file's SHA-256).

${FINDING}
Exits 1 when refused or failed, 2 on a usage error.`;

export const RESTORE_USAGE = `usage: npm run restore -- <dir> [--url <api>] [--replace] [--allow-busy]

Verifies the snapshot in <dir> (every file against the manifest's SHA-256), then writes its items into
the local system's table (BatchWriteItem, unprocessed items retried) and its objects into the bucket.
Refuses a snapshot that does not verify, and a table or bucket that holds anything, unless --replace:
then everything they hold is deleted first.

${FINDING}
Exits 1 when refused or failed, 2 on a usage error.`;

export const SNAPSHOT_OPTIONS = {
  help: { type: "boolean", short: "h" },
  url: { type: "string" },
  "allow-busy": { type: "boolean" },
} as const;

export const RESTORE_OPTIONS = { ...SNAPSHOT_OPTIONS, replace: { type: "boolean" } } as const;

export interface SnapshotCommandOptions {
  dir: string;
  url: string;
  allowBusy: boolean;
  replace: boolean;
}

/** A command line that parses but says the wrong thing (no directory, two of them). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A command that must not go on: the snapshot, the target or the system is not as it must be. */
export class RefusedError extends Error {
  override readonly name = "RefusedError";
}

/** The options of a parsed command line, with the API's address from the environment when not given. */
export function snapshotCommandOptions(
  parsed: { values: { url?: string; "allow-busy"?: boolean; replace?: boolean }; positionals: string[] },
  env: NodeJS.ProcessEnv = process.env,
): SnapshotCommandOptions {
  const [dir, ...extra] = parsed.positionals;
  if (!dir) throw new UsageError("name the snapshot's directory");
  if (extra.length) throw new UsageError(`one directory, not ${parsed.positionals.length}: ${extra.join(" ")}`);
  return {
    dir,
    url: parsed.values.url ?? defaultApiUrl(env),
    allowBusy: parsed.values["allow-busy"] ?? false,
    replace: parsed.values.replace ?? false,
  };
}

/** Refuses to go on while messages would change the table under the command, unless told. */
async function quiet(clients: LocalClients, system: LocalSystem, allowBusy: boolean, doing: string) {
  const depths = await queueDepths(clients.sqs, system.queues);
  const busy = busyQueues(depths);
  if (busy.length && !allowBusy) {
    throw new RefusedError(
      `${busy.join(" and ")} ${busy.length > 1 ? "hold" : "holds"} messages: ${doing} now would catch orders part-way.` +
        " Stop sending orders and wait for the queues to drain (GET /_local/metrics), or pass --allow-busy",
    );
  }
  return depths;
}

const seconds = (started: number) => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const isPendingOrder = (item: Item) => item.__edb_e__?.S === "order" && item.status?.S === "PENDING";

/** Backs the system's table and bucket up into `options.dir`; resolves with the manifest written. */
export async function backup(
  system: LocalSystem,
  clients: LocalClients,
  options: Pick<SnapshotCommandOptions, "dir" | "allowBusy">,
  log: (line: string) => void,
): Promise<SnapshotManifest> {
  const started = Date.now();
  const queues = await quiet(clients, system, options.allowBusy, "a backup");
  let pending = 0;
  async function* counted() {
    for await (const page of scanTable(clients.dynamo, system.table)) {
      pending += page.filter(isPendingOrder).length;
      yield page;
    }
  }
  const manifest = await writeSnapshot(options.dir, {
    createdAt: new Date(started),
    api: system.api,
    table: system.table,
    bucket: system.bucket,
    queues,
    items: counted(),
    objects: readObjects(clients.s3, system.bucket),
  });
  log(
    `backed up ${manifest.table.items} items of ${manifest.table.name} and ${manifest.bucket.objects} objects of` +
      ` ${manifest.bucket.name} to ${options.dir} in ${seconds(started)}`,
  );
  if (pending) {
    log(
      `  ${pending} orders were still PENDING: restored without their messages, SagaSweeper ends them` +
        " 15 minutes after they were received",
    );
  }
  return manifest;
}

export interface RestoreResult {
  items: number;
  objects: number;
  /** What --replace deleted first. */
  cleared: { items: number; objects: number };
}

/** Restores the snapshot in `options.dir` into the system's table and bucket, after verifying it. */
export async function restore(
  system: LocalSystem,
  clients: LocalClients,
  options: Pick<SnapshotCommandOptions, "dir" | "allowBusy" | "replace">,
  log: (line: string) => void,
): Promise<RestoreResult> {
  const started = Date.now();
  // Before anything is written: a snapshot that does not verify is refused whole.
  const { manifest, items, objects } = await readSnapshot(options.dir);
  await quiet(clients, system, options.allowBusy, "a restore");
  const [emptyTable, emptyBucket] = await Promise.all([
    tableIsEmpty(clients.dynamo, system.table),
    bucketIsEmpty(clients.s3, system.bucket),
  ]);
  const cleared = { items: 0, objects: 0 };
  if (!(emptyTable && emptyBucket)) {
    if (!options.replace) {
      const full = [emptyTable ? "" : `the table ${system.table}`, emptyBucket ? "" : `the bucket ${system.bucket}`];
      const holding = full.filter(Boolean);
      throw new RefusedError(
        `${holding.join(" and ")} already ${holding.length > 1 ? "hold" : "holds"} data: a restore writes into an empty table and bucket.` +
          " Pass --replace to delete what they hold first",
      );
    }
    cleared.objects = await clearBucket(clients.s3, system.bucket);
    cleared.items = await clearTable(clients.dynamo, system.table);
    log(`deleted ${cleared.items} items and ${cleared.objects} objects (--replace)`);
  }
  await writeItems(clients.dynamo, system.table, items);
  await putObjects(clients.s3, system.bucket, objects);
  const [itemsNow, objectsNow] = await Promise.all([
    countItems(clients.dynamo, system.table),
    countObjects(clients.s3, system.bucket),
  ]);
  if (itemsNow !== manifest.table.items || objectsNow !== manifest.bucket.objects) {
    throw new Error(
      `after the restore the table holds ${itemsNow} items and the bucket ${objectsNow} objects, the snapshot` +
        ` ${manifest.table.items} and ${manifest.bucket.objects}: something else wrote to them meanwhile`,
    );
  }
  log(
    `restored ${items.length} items into ${system.table} and ${objects.length} objects into ${system.bucket}` +
      ` from the backup of ${manifest.createdAt} in ${seconds(started)}`,
  );
  return { items: items.length, objects: objects.length, cleared };
}

/**
 * A snapshot command from the command line: its arguments parsed (--help and
 * an unknown option as every script answers them), the running system found,
 * then `run`. Exits 0 when done, 1 when refused or failed, 2 on a usage error.
 */
export async function runSnapshotCommand(
  name: "backup" | "restore",
  usage: string,
  config: typeof SNAPSHOT_OPTIONS | typeof RESTORE_OPTIONS,
  run: (system: LocalSystem, clients: LocalClients, options: SnapshotCommandOptions) => Promise<unknown>,
): Promise<never> {
  const parsed = cliArgs(name, usage, { allowPositionals: true, options: config });
  let options: SnapshotCommandOptions;
  try {
    const values = parsed.values as { url?: string; "allow-busy"?: boolean; replace?: boolean };
    options = snapshotCommandOptions({ values, positionals: parsed.positionals });
  } catch (error) {
    process.stderr.write(`${name}: ${(error as Error).message}\n\n${usage}\n`);
    process.exit(2);
  }
  try {
    const system = await findLocalSystem(options.url);
    await run(system, localClients(system), options);
    process.exit(0);
  } catch (error) {
    process.stderr.write(`${name}: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
