import type { AuditLog } from "../../ports.ts";

/** The audit of DLQ actions, newest first, one page at a time. */
export function listAudit(input: { limit: number; cursor?: string | undefined }, deps: { audit: AuditLog }) {
  return deps.audit.list(input);
}
