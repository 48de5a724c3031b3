import type { FailureRecord, FailureReport } from "../domain/dead-letter.ts";
import type { FailureLog } from "../ports.ts";
import { guarded, RAW_ERRORS } from "./dependency-errors.ts";
import type { TableAccess } from "./table-access.ts";

/**
 * `FailureLog` in the one table: one item per message, counting its attempts.
 * Written only when a message fails, so through the entity, which a queue
 * handler then loads (`TableAccess`).
 */
export class DynamoFailureLog implements FailureLog {
  readonly #table: TableAccess;

  constructor(table: TableAccess) {
    this.#table = table;
  }

  record(report: FailureReport): Promise<void> {
    return guarded("table", "record failure", async () => {
      const { failure } = await this.#table.entities();
      await failure
        .upsert({
          messageKey: report.messageKey,
          code: report.code,
          message: report.message,
          lastFailedAt: report.at,
          ...(report.orderId ? { orderId: report.orderId } : {}),
          ...(report.submissionId ? { submissionId: report.submissionId } : {}),
        })
        .ifNotExists({ firstFailedAt: report.at })
        .add({ attempts: 1 })
        .go(RAW_ERRORS);
    });
  }

  find(messageKeys: string[]): Promise<Map<string, FailureRecord>> {
    return guarded("table", "read failures", async () => {
      const unique = [...new Set(messageKeys)];
      if (unique.length === 0) return new Map();
      const { failure } = await this.#table.entities();
      const { data } = await failure.get(unique.map((messageKey) => ({ messageKey }))).go(RAW_ERRORS);
      return new Map(
        data.map((item) => [
          item.messageKey,
          { ...item, attempts: item.attempts ?? 1, firstFailedAt: item.firstFailedAt ?? item.lastFailedAt },
        ]),
      );
    });
  }
}
