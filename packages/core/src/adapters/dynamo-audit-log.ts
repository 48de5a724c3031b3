import type { AuditEntry } from "../domain/dead-letter.ts";
import { InvalidInputError } from "../domain/errors.ts";
import type { OrdersService } from "../entities/service.ts";
import type { AuditLog } from "../ports.ts";
import { guarded, RAW_ERRORS } from "./dependency-errors.ts";

/**
 * A cursor is ElectroDB's last evaluated key, base64url JSON. One that does
 * not decode to a key of the audit partition is the caller's mistake (400),
 * not a failing table (503).
 */
function checkedCursor(cursor: string | undefined): string | null {
  if (!cursor) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Record<string, unknown>;
    const fields = Object.keys(key).sort().join(",");
    if (fields === "pk,sk" && key.pk === "$orders" && String(key.sk).startsWith("$auditEntry_1#")) return cursor;
  } catch {
    // fall through
  }
  throw new InvalidInputError("The cursor is malformed: pass the one the previous page returned");
}

/** `AuditLog` in the one table, read newest first. */
export class DynamoAuditLog implements AuditLog {
  readonly #service: OrdersService;

  constructor(service: OrdersService) {
    this.#service = service;
  }

  append(entry: AuditEntry): Promise<void> {
    return guarded("table", "append audit", async () => {
      await this.#service.entities.auditEntry.create(entry).go(RAW_ERRORS);
    });
  }

  list(options: { limit: number; cursor?: string | undefined }) {
    const start = checkedCursor(options.cursor);
    return guarded("table", "read audit", async () => {
      const { data, cursor } = await this.#service.entities.auditEntry.query
        .byTime({})
        .go({ ...RAW_ERRORS, order: "desc", limit: options.limit, cursor: start });
      return { entries: data as AuditEntry[], cursor: cursor ?? undefined };
    });
  }
}
