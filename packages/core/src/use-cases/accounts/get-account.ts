import { accountNotFound } from "../../domain/access.ts";
import { type AccountView, accountView } from "../../domain/account-view.ts";
import { AccountIdSchema, parseInput } from "../../domain/admin-inputs.ts";
import type { AccountLedger, WebhookRegistry } from "../../ports.ts";

/** An account's balance, holds and latest ledger entries, and its webhook (without the secret) when set. */
export async function getAccount(
  rawId: string,
  deps: { accounts: AccountLedger; webhooks?: WebhookRegistry },
): Promise<AccountView> {
  const accountId = parseInput(AccountIdSchema, rawId, "The account id", "id");
  const [account, webhook] = await Promise.all([deps.accounts.find(accountId), deps.webhooks?.find(accountId)]);
  if (!account) throw accountNotFound(accountId);
  const view = accountView(account);
  return webhook ? { ...view, webhook: { url: webhook.url, updatedAt: webhook.updatedAt } } : view;
}
