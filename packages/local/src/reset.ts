/** `npm run reset`: deletes the local system's data. Stop `npm start` first. */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "./handlers.ts";

const USAGE = `usage: npm run reset

Deletes the local system's data directory (ORDERS_DATA_DIR, else .local-data): the table, the queues, the bucket
and the local issuer's key, so tokens from npm run token before it no longer open anything. Stop npm start first.`;

try {
  const { values } = parseArgs({ options: { help: { type: "boolean", short: "h" } } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
} catch (error) {
  process.stderr.write(`reset: ${(error as Error).message}\n\n${USAGE}\n`);
  process.exit(2);
}
const dataDir = process.env.ORDERS_DATA_DIR ?? join(repoRoot, ".local-data");
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(`Deleted ${dataDir}\n`);
