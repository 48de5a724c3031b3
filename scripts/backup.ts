/**
 * `npm run backup -- <dir>`: the running local system's table and bucket into
 * a snapshot directory, with a manifest of counts and checksums. See
 * BACKUP_USAGE, and the README's "Backup and recovery".
 */
import { BACKUP_USAGE, backup, runSnapshotCommand, SNAPSHOT_OPTIONS } from "./cli/snapshot-commands.ts";

await runSnapshotCommand("backup", BACKUP_USAGE, SNAPSHOT_OPTIONS, (system, clients, options) =>
  backup(system, clients, options, (line) => process.stdout.write(`${line}\n`)),
);
