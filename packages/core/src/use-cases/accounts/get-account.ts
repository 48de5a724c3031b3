import { type AccountView, accountView } from "../../domain/account-view.ts";
import { AccountIdSchema, parseInput } from "../../domain/admin-inputs.ts";
import { AccountNotFoundError } from "../../domain/errors.ts";
import type { AccountLedger } from "../../ports.ts";

/** An account's balance, holds and latest ledger entries. */
export async function getAccount(rawId: string, deps: { accounts: AccountLedger }): Promise<AccountView> {
  const accountId = parseInput(AccountIdSchema, rawId, "The account id", "id");
  const account = await deps.accounts.find(accountId);
  if (!account) throw new AccountNotFoundError(`No account has id ${accountId}`);
  return accountView(account);
}
