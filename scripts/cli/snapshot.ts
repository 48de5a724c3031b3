import { createHash } from "node:crypto";
import { mkdir, open, readdir, readFile, writeFile } from "node:fs/promises";
import { isAbsolute, join, normalize, sep } from "node:path";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/**
 * The snapshot `npm run backup` writes and `npm run restore` reads: a
 * directory holding
 *
 * - `table.jsonl`: every item of the table, one `{"Item": {...}}` per line in
 *   DynamoDB JSON (the shape of DynamoDB's own export to S3; binary values in
 *   base64);
 * - `objects/<file>`: every object of the bucket, byte for byte;
 * - `manifest.json`, written last: the table's and bucket's names, how many
 *   items and objects, when, each object's key and content type, and the size
 *   and SHA-256 of every file. A directory without it is an unfinished backup.
 */

export type Item = Record<string, AttributeValue>;

/** One object of the bucket, as it is stored and put back. */
export interface StoredObject {
  key: string;
  body: Uint8Array;
  contentType?: string | undefined;
  metadata?: Record<string, string> | undefined;
}

export const SNAPSHOT_FORMAT = "orders-snapshot/1";
export const MANIFEST_FILE = "manifest.json";
export const TABLE_FILE = "table.jsonl";
const OBJECTS_DIR = "objects";

export interface SnapshotFile {
  /** Relative to the snapshot's directory, with `/` separators. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface SnapshotManifest {
  format: typeof SNAPSHOT_FORMAT;
  /** When the backup started (ISO 8601). */
  createdAt: string;
  /** The API whose system was backed up. */
  api: string;
  table: { name: string; items: number; file: string };
  bucket: { name: string; objects: number };
  objects: { key: string; file: string; contentType?: string; metadata?: Record<string, string> }[];
  /** Messages on each queue (visible and in flight) when the backup started: not in the snapshot. */
  queues: Record<string, number>;
  files: SnapshotFile[];
}

/** A snapshot read back, every file's checksum verified. */
export interface Snapshot {
  manifest: SnapshotManifest;
  items: Item[];
  objects: StoredObject[];
}

/** A snapshot that must not be restored: each problem found, all of them. */
export class SnapshotRefusedError extends Error {
  override readonly name = "SnapshotRefusedError";
  readonly problems: string[];

  constructor(dir: string, problems: string[]) {
    super(`the snapshot at ${dir} is refused:\n  ${problems.join("\n  ")}`);
    this.problems = problems;
  }
}

export const sha256 = (bytes: Uint8Array | string): string => createHash("sha256").update(bytes).digest("hex");

/** JSON cannot hold bytes: B and BS values go as base64, as DynamoDB's export writes them. */
function toJsonValue(value: AttributeValue): unknown {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString("base64") };
  if (value.BS !== undefined) return { BS: value.BS.map((bytes) => Buffer.from(bytes).toString("base64")) };
  if (value.M !== undefined) return { M: toJsonItem(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toJsonValue) };
  return value;
}

function toJsonItem(item: Item): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toJsonValue(value)]));
}

function fromJsonValue(value: Record<string, unknown>): AttributeValue {
  if (typeof value.B === "string") return { B: Buffer.from(value.B, "base64") };
  if (Array.isArray(value.BS)) return { BS: value.BS.map((text: string) => Buffer.from(text, "base64")) };
  if (value.M && typeof value.M === "object") return { M: fromJsonItem(value.M as Record<string, unknown>) };
  if (Array.isArray(value.L)) return { L: value.L.map((entry) => fromJsonValue(entry as Record<string, unknown>)) };
  return value as unknown as AttributeValue;
}

function fromJsonItem(item: Record<string, unknown>): Item {
  return Object.fromEntries(
    Object.entries(item).map(([name, value]) => [name, fromJsonValue(value as Record<string, unknown>)]),
  );
}

/** One line of `table.jsonl`, newline included. */
export function itemLine(item: Item): string {
  return `${JSON.stringify({ Item: toJsonItem(item) })}\n`;
}

/** An item from one line of `table.jsonl`; throws on anything else. */
export function parseItemLine(line: string): Item {
  const parsed = JSON.parse(line) as { Item?: unknown };
  if (!parsed || typeof parsed !== "object" || !parsed.Item || typeof parsed.Item !== "object") {
    throw new Error('not an {"Item": {...}} line');
  }
  return fromJsonItem(parsed.Item as Record<string, unknown>);
}

/**
 * The file an object is kept in: its key, percent-encoded so that it is one
 * file name (`orders/a.json` → `orders%2Fa.json`), or the key's hash when that
 * would be too long for a file system. The manifest maps it back to the key.
 */
export function objectFile(key: string): string {
  const encoded = encodeURIComponent(key).replace(/\./g, (dot, at: number) => (at === 0 ? "%2E" : dot));
  return `${OBJECTS_DIR}/${encoded.length <= 200 ? encoded : `${sha256(key)}.object`}`;
}

/** What a backup hands the writer: the items and objects as they are read, and where they came from. */
export interface SnapshotContents {
  createdAt: Date;
  api: string;
  table: string;
  bucket: string;
  queues: Record<string, number>;
  items: AsyncIterable<Item[]>;
  objects: AsyncIterable<StoredObject>;
}

/**
 * Writes a snapshot into `dir`, which must not exist or be empty: the table's
 * items page by page, then each object, then the manifest, last.
 */
export async function writeSnapshot(dir: string, contents: SnapshotContents): Promise<SnapshotManifest> {
  const existing = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  if (existing.length) throw new Error(`${dir} is not empty: a snapshot goes into a new directory`);
  await mkdir(join(dir, OBJECTS_DIR), { recursive: true });

  const files: SnapshotFile[] = [];
  const tableHash = createHash("sha256");
  let items = 0;
  let tableBytes = 0;
  const table = await open(join(dir, TABLE_FILE), "wx");
  try {
    for await (const page of contents.items) {
      const text = page.map(itemLine).join("");
      const bytes = Buffer.from(text, "utf8");
      await table.write(bytes);
      tableHash.update(bytes);
      tableBytes += bytes.length;
      items += page.length;
    }
    await table.sync();
  } finally {
    await table.close();
  }
  files.push({ path: TABLE_FILE, bytes: tableBytes, sha256: tableHash.digest("hex") });

  const objects: SnapshotManifest["objects"] = [];
  for await (const object of contents.objects) {
    const file = objectFile(object.key);
    await writeFile(join(dir, file), object.body, { flag: "wx" });
    objects.push({
      key: object.key,
      file,
      ...(object.contentType ? { contentType: object.contentType } : {}),
      ...(object.metadata && Object.keys(object.metadata).length ? { metadata: object.metadata } : {}),
    });
    files.push({ path: file, bytes: object.body.length, sha256: sha256(object.body) });
  }

  const manifest: SnapshotManifest = {
    format: SNAPSHOT_FORMAT,
    createdAt: contents.createdAt.toISOString(),
    api: contents.api,
    table: { name: contents.table, items, file: TABLE_FILE },
    bucket: { name: contents.bucket, objects: objects.length },
    objects,
    queues: contents.queues,
    files,
  };
  await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { flag: "wx" });
  return manifest;
}

/** A path the manifest names, refused unless it stays inside the snapshot's directory. */
function inside(dir: string, path: unknown): string | undefined {
  if (typeof path !== "string" || !path || isAbsolute(path)) return undefined;
  const normal = normalize(path);
  if (normal === ".." || normal.startsWith(`..${sep}`) || normal.startsWith("../")) return undefined;
  return join(dir, normal);
}

/** The manifest's shape, checked field by field: each problem named. */
function manifestProblems(value: unknown): string[] {
  if (!value || typeof value !== "object") return ["manifest.json is not a JSON object"];
  const manifest = value as Partial<SnapshotManifest>;
  const problems: string[] = [];
  if (manifest.format !== SNAPSHOT_FORMAT)
    problems.push(`format is ${String(manifest.format)}, not ${SNAPSHOT_FORMAT}`);
  if (typeof manifest.createdAt !== "string") problems.push("createdAt is missing");
  if (typeof manifest.table?.name !== "string" || !Number.isInteger(manifest.table?.items)) {
    problems.push("table must have a name and an item count");
  }
  if (typeof manifest.bucket?.name !== "string" || !Number.isInteger(manifest.bucket?.objects)) {
    problems.push("bucket must have a name and an object count");
  }
  if (!Array.isArray(manifest.objects)) problems.push("objects is not a list");
  if (!Array.isArray(manifest.files)) problems.push("files is not a list");
  return problems;
}

/**
 * Reads the snapshot in `dir` and verifies it before anything is written
 * anywhere: the manifest's format, each file's size and SHA-256, the counts
 * against what the files hold, and every line an item. Throws
 * SnapshotRefusedError naming every problem found.
 */
export async function readSnapshot(dir: string): Promise<Snapshot> {
  const refuse = (problems: string[]): never => {
    throw new SnapshotRefusedError(dir, problems);
  };
  let manifest: SnapshotManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), "utf8")) as SnapshotManifest;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "missing (an unfinished backup?)" : "not JSON";
    return refuse([`manifest.json is ${reason}`]);
  }
  const shape = manifestProblems(manifest);
  if (shape.length) refuse(shape);

  const problems: string[] = [];
  const contents = new Map<string, Buffer>();
  for (const file of manifest.files) {
    const path = inside(dir, file?.path);
    if (!path) {
      problems.push(`${String(file?.path)}: a path outside the snapshot`);
      continue;
    }
    const bytes = await readFile(path).catch(() => undefined);
    if (!bytes) {
      problems.push(`${file.path}: missing`);
    } else if (bytes.length !== file.bytes) {
      problems.push(`${file.path}: ${bytes.length} bytes, the manifest says ${file.bytes}`);
    } else if (sha256(bytes) !== file.sha256) {
      problems.push(`${file.path}: its SHA-256 does not match the manifest's`);
    } else {
      contents.set(file.path, bytes);
    }
  }

  const tableFile = manifest.table.file ?? TABLE_FILE;
  const items: Item[] = [];
  const tableBytes = contents.get(tableFile);
  if (!manifest.files.some((file) => file.path === tableFile)) problems.push(`${tableFile}: not in the manifest`);
  if (tableBytes) {
    const lines = tableBytes.toString("utf8").split("\n");
    if (lines.at(-1) === "") lines.pop();
    lines.forEach((line, index) => {
      try {
        items.push(parseItemLine(line));
      } catch (error) {
        problems.push(`${tableFile} line ${index + 1}: ${(error as Error).message}`);
      }
    });
    if (lines.length !== manifest.table.items) {
      problems.push(`${tableFile}: ${lines.length} items, the manifest says ${manifest.table.items}`);
    }
  }

  const objects: StoredObject[] = [];
  if (manifest.objects.length !== manifest.bucket.objects) {
    problems.push(`objects: ${manifest.objects.length} listed, the manifest says ${manifest.bucket.objects}`);
  }
  for (const entry of manifest.objects) {
    const body = contents.get(entry.file);
    if (!manifest.files.some((file) => file.path === entry.file)) {
      problems.push(`${entry.file} (object ${entry.key}): no checksum in the manifest`);
    } else if (body) {
      objects.push({ key: entry.key, body, contentType: entry.contentType, metadata: entry.metadata });
    }
  }
  if (problems.length) refuse(problems);
  return { manifest, items, objects };
}
