import { accountNotFound } from "../../domain/access.ts";
import { type AccountView, accountView } from "../../domain/account-view.ts";
import { AccountIdSchema, DepositBodySchema, parseInput } from "../../domain/admin-inputs.ts";
import { toCents } from "../../domain/money.ts";
import type { AccountsDeps } from "./open-account.ts";

/** Adds funds to an account, once per reference: repeating a reference changes nothing. */
export async function depositFunds(rawId: string, body: unknown, deps: AccountsDeps): Promise<AccountView> {
  const accountId = parseInput(AccountIdSchema, rawId, "The account id", "id");
  const { amount, reference } = parseInput(DepositBodySchema, body, "The deposit");
  await deps.accounts.deposit(accountId, reference, toCents(amount), (deps.clock?.now() ?? new Date()).toISOString());
  const account = await deps.accounts.find(accountId);
  if (!account) throw accountNotFound(accountId);
  return accountView(account);
}
