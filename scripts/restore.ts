/**
 * `npm run restore -- <dir> [--replace]`: a snapshot of `npm run backup` back
 * into the running local system's table and bucket, once every file matches
 * its checksum. See RESTORE_USAGE, and the README's "Backup and recovery".
 */
import { RESTORE_OPTIONS, RESTORE_USAGE, restore, runSnapshotCommand } from "./cli/snapshot-commands.ts";

await runSnapshotCommand("restore", RESTORE_USAGE, RESTORE_OPTIONS, (system, clients, options) =>
  restore(system, clients, options, (line) => process.stdout.write(`${line}\n`)),
);
