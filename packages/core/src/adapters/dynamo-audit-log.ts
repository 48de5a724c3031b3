import type { AuditEntry } from "../domain/dead-letter.ts";
import type { OrdersService } from "../entities/service.ts";
import type { AuditLog } from "../ports.ts";
import { guarded } from "./dependency-errors.ts";

/** `AuditLog` in the one table, read newest first. */
export class DynamoAuditLog implements AuditLog {
  readonly #service: OrdersService;

  constructor(service: OrdersService) {
    this.#service = service;
  }

  append(entry: AuditEntry): Promise<void> {
    return guarded("table", "append audit", async () => {
      await this.#service.entities.auditEntry.create(entry).go();
    });
  }

  list(options: { limit: number; cursor?: string | undefined }) {
    return guarded("table", "read audit", async () => {
      const { data, cursor } = await this.#service.entities.auditEntry.query
        .byTime({})
        .go({ order: "desc", limit: options.limit, cursor: options.cursor ?? null });
      return { entries: data as AuditEntry[], cursor: cursor ?? undefined };
    });
  }
}
