import { accountNotFound } from "../../domain/access.ts";
import { type LedgerEntryView, ledgerEntryView } from "../../domain/account-view.ts";
import { AccountIdSchema, parseInput } from "../../domain/admin-inputs.ts";
import { decodeEntriesCursor, EntriesQuerySchema, encodeEntriesCursor } from "../../domain/entry-listing.ts";
import type { AccountLedger } from "../../ports.ts";

/** A page of an account's ledger entries, and the cursor of the next one while there may be more. */
export interface AccountEntriesPage {
  entries: LedgerEntryView[];
  cursor?: string;
}

/**
 * Every ledger entry of an account, newest first, one page at a time: the
 * pending and recent ones kept in the account's item and the settled ones
 * archived out of it, in one order. Every input is checked (400 with
 * details); an account never opened is a 404, as `GET /accounts/{id}` is.
 */
export async function listAccountEntries(
  rawId: string,
  rawQuery: Record<string, string | undefined>,
  deps: { accounts: AccountLedger },
): Promise<AccountEntriesPage> {
  const accountId = parseInput(AccountIdSchema, rawId, "The account id", "id");
  const query = parseInput(EntriesQuerySchema, rawQuery, "The query", "query");
  const after = query.cursor === undefined ? undefined : decodeEntriesCursor(accountId, query.cursor);
  const [account, page] = await Promise.all([
    after ? undefined : deps.accounts.find(accountId),
    deps.accounts.entries(accountId, query.limit, after),
  ]);
  if (!after && !account) throw accountNotFound(accountId);
  return {
    entries: page.entries.map(ledgerEntryView),
    ...(page.next ? { cursor: encodeEntriesCursor(accountId, page.next) } : {}),
  };
}
