import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { FailureRecord, FailureReport } from "../domain/dead-letter.ts";
import type { FailureLog } from "../ports.ts";
import { guarded } from "./dependency-errors.ts";
import { failuresRead, recordFailureWrite } from "./failure-writes.ts";
import { readFailureItem } from "./stored-items.ts";
import type { TableAccess } from "./table-access.ts";
import { sendBatchGet } from "./table-writes.ts";

/**
 * `FailureLog` in the one table: one item per message, counting its attempts.
 * Plain commands, as ElectroDB sends them (`failure-writes.ts`): the queue
 * handlers record failures without loading ElectroDB.
 */
export class DynamoFailureLog implements FailureLog {
  readonly #table: Pick<TableAccess, "binding">;

  constructor(table: Pick<TableAccess, "binding">) {
    this.#table = table;
  }

  record(report: FailureReport): Promise<void> {
    const { client, table } = this.#table.binding;
    return guarded("table", "record failure", async () => {
      await client.send(new UpdateCommand(recordFailureWrite(table, report)));
    });
  }

  find(messageKeys: string[]): Promise<Map<string, FailureRecord>> {
    const { table } = this.#table.binding;
    return guarded("table", "read failures", async () => {
      const unique = [...new Set(messageKeys)];
      const found = new Map<string, FailureRecord>();
      for (const read of failuresRead(table, unique)) {
        const { items, unprocessed } = await sendBatchGet(this.#table.binding, read);
        // A key DynamoDB left unread (throttled) would show its message without its reason: refused, to be asked again.
        if (unprocessed > 0) throw new Error(`${unprocessed} failure records were left unread`);
        for (const stored of items) {
          const item = readFailureItem(stored) as
            | (Omit<FailureRecord, "attempts" | "firstFailedAt"> &
                Partial<Pick<FailureRecord, "attempts" | "firstFailedAt">>)
            | null;
          if (!item) continue;
          found.set(item.messageKey, {
            ...item,
            attempts: item.attempts ?? 1,
            firstFailedAt: item.firstFailedAt ?? item.lastFailedAt,
          });
        }
      }
      return found;
    });
  }
}
