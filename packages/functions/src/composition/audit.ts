import type { AuditDeps } from "@orders/core/use-cases/audit/audit-ledgers";
import { orderArchive } from "./bucket.ts";
import { once } from "./once.ts";
import { sagaTimeoutMinutes } from "./settings.ts";
import { accountLedger, orderRepository, stockLedger } from "./table.ts";

/** What the full consistency audit reads and where it keeps its reports: the schedule's and the admin route's. */
export const auditDeps = once(
  (): AuditDeps => ({
    stock: stockLedger(),
    accounts: accountLedger(),
    orders: orderRepository(),
    reports: orderArchive(),
    sagaTimeoutMinutes: sagaTimeoutMinutes(),
  }),
);
