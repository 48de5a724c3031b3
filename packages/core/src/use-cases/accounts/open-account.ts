import { type AccountView, accountView } from "../../domain/account-view.ts";
import { AccountIdSchema, parseInput } from "../../domain/admin-inputs.ts";
import type { AccountLedger, Clock } from "../../ports.ts";

export interface AccountsDeps {
  accounts: AccountLedger;
  clock?: Clock;
}

/** Opens an account with a zero balance. Opening it again changes nothing. */
export async function openAccount(
  rawId: string,
  deps: AccountsDeps,
): Promise<{ created: boolean; account: AccountView }> {
  const accountId = parseInput(AccountIdSchema, rawId, "The account id", "id");
  const created = await deps.accounts.open(accountId, (deps.clock?.now() ?? new Date()).toISOString());
  const account = await deps.accounts.find(accountId);
  if (!account) throw new Error(`Account ${accountId} vanished after it was opened`);
  return { created, account: accountView(account) };
}
