import { AuditQuerySchema, parseOrThrow } from "@orders/core/domain/admin";
import { listAudit } from "@orders/core/use-cases/dlq/list-audit";
import { auditLog } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import { json } from "../http/responses.ts";

const deps = { audit: auditLog() };

/** GET /admin/audit: every redrive, edit and discard, newest first. */
export const handler = adminRoute({ body: false }, async (event) => {
  const query = parseOrThrow(AuditQuerySchema, event.queryStringParameters ?? {}, "The query");
  return json(200, await listAudit(query, deps));
});
