/** `npm run reset`: deletes the local system's data. Stop `npm start` first. */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./handlers.ts";

const dataDir = process.env.ORDERS_DATA_DIR ?? join(repoRoot, ".local-data");
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(`Deleted ${dataDir}\n`);
