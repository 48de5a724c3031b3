import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { markerKey } from "@orders/core/adapters/marker-keys";
import { accountKey, stockKey } from "@orders/core/adapters/table-writes";
import { endpointKey, type WebhookCircuit } from "@orders/core/domain/webhook-circuit";
import type { LedgerEntry } from "@orders/core/ports";

/**
 * Items as ElectroDB stores them in the one table, for handler tests that
 * mock the DynamoDB client. Amounts in cents, as the adapters keep them.
 */

/** What ElectroDB adds to every item it writes: the keys, the entity's name and its version. */
const electroItem = (entity: string, key: { pk: string; sk: string }) => ({
  ...key,
  __edb_e__: entity,
  __edb_v__: "1",
});

/** A sku's stock item. */
export function storedStock(sku: string, fields: { onHand: number; reserved?: number; updatedAt?: string }) {
  const reserved = fields.reserved ?? 0;
  return {
    ...electroItem("stock", stockKey(sku)),
    sku,
    onHand: fields.onHand,
    reserved,
    available: fields.onHand - reserved,
    holds: {},
    updatedAt: fields.updatedAt ?? "2026-01-01T00:00:00.000Z",
  };
}

/** A transfer in an account's ledger, as the port gives it. */
export type StoredTransfer = LedgerEntry;

/** An account item with its ledger of transfers. */
export function storedAccount(
  accountId: string,
  fields: { balance?: number; held?: number; transfers?: StoredTransfer[] } = {},
) {
  // Stored with the adapter's one-letter names.
  const transfers = Object.fromEntries(
    (fields.transfers ?? []).map((transfer) => [
      markerKey(transfer.transferId),
      {
        id: transfer.transferId,
        k: transfer.kind,
        a: transfer.amountCents,
        s: transfer.status,
        t: transfer.at,
        ...(transfer.orderId ? { o: transfer.orderId } : {}),
      },
    ]),
  );
  return {
    ...electroItem("account", accountKey(accountId)),
    accountId,
    balance: fields.balance ?? 0,
    held: fields.held ?? 0,
    transfers,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
}

/** An account's webhook item; a test that shows the old secret's overlap passes `previousSecret` and its end. */
export function storedWebhook(
  accountId: string,
  fields: { url?: string; secret?: string; previousSecret?: string; previousSecretUntil?: string } = {},
) {
  return {
    ...electroItem("webhook", { pk: `$orders#accountId_${accountId}`, sk: "$webhook_1" }),
    accountId,
    url: fields.url ?? "https://hooks.example.com/orders",
    secret: fields.secret ?? "whsec_do-not-show",
    updatedAt: "2026-03-01T12:00:00.000Z",
    ...(fields.previousSecret ? { previousSecret: fields.previousSecret } : {}),
    ...(fields.previousSecretUntil ? { previousSecretUntil: fields.previousSecretUntil } : {}),
  };
}

/** A settled entry archived out of its account's item (`accountEntry`), as the archive's index returns it. */
/** An account's webhook circuit as ElectroDB stores it, keyed by the account and the circuit's URL. */
export function storedCircuit(accountId: string, circuit: WebhookCircuit) {
  const endpoint = endpointKey(accountId, circuit.url);
  return {
    pk: `$orders#endpoint_${endpoint}`,
    sk: "$webhookCircuit_1",
    endpoint,
    accountId,
    ...circuit,
    __edb_e__: "webhookCircuit",
    __edb_v__: "1",
  };
}

export function storedEntry(accountId: string, transfer: StoredTransfer) {
  return {
    ...electroItem("accountEntry", {
      pk: `$orders#accountId_${accountId}#transferId_${transfer.transferId}`,
      sk: "$accountEntry_1",
    }),
    gsi1pk: `$orders#accountId_${accountId}`,
    gsi1sk: `$accountEntry_1#at_${transfer.at}#transferId_${transfer.transferId}`,
    accountId,
    ...transfer,
  };
}

/** What DynamoDB throws when a write's condition fails. */
export function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });
}
