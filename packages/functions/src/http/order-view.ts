import { cancellationFor, failureFor, type OrderSight, sagaFor } from "@orders/core/domain/access";
import { fromCents } from "@orders/core/domain/money";
import type { OrderRecord } from "@orders/core/domain/order";
import type { OrderLookup } from "@orders/core/use-cases/get-order";
import type { OrderLookupBody, OrderView } from "./contract.ts";

function orderView(record: OrderRecord, sight: OrderSight): OrderView {
  const sent = JSON.parse(record.payload) as Record<string, unknown>;
  const failure = record.failure && failureFor(sight, record.failure);
  return {
    id: record.orderId,
    submissionId: record.submissionId,
    channel: record.channel,
    amount: sent.amount,
    fromAccount: sent.fromAccount,
    toAccount: sent.toAccount,
    ...("items" in sent ? { items: sent.items } : {}),
    status: record.status,
    ...(failure ? { failure } : {}),
    ...(record.cancellation ? { cancellation: cancellationFor(sight, record.cancellation) } : {}),
    ...(record.refunded ? { refunded: true } : {}),
    valid: record.valid,
    isDuplicate: record.isDuplicate,
    errors: record.errors,
    ...(record.s3Key ? { s3Key: record.s3Key } : {}),
    receivedAt: record.receivedAt,
    processedAt: record.processedAt,
  };
}

/** What the saga wrote on the original: its payment in currency units, the reservations, the log oldest first. */
function fulfilmentView({ payment, reservations, saga }: OrderRecord, sight: OrderSight) {
  return {
    ...(payment ? { payment: { status: payment.status, amount: fromCents(payment.amountCents) } } : {}),
    ...(reservations ? { reservations } : {}),
    // Each run appends its entries as it ends, and runs may overlap: order by time (the sort is stable).
    ...(saga
      ? {
          saga: sagaFor(
            sight,
            [...saga].sort((a, b) => a.at.localeCompare(b.at)),
          ),
        }
      : {}),
  };
}

/** `GET /orders/{id}`'s body: the original as sent and judged, its duplicates, its download link, its saga and its notifications. */
export function orderLookupBody(lookup: OrderLookup): OrderLookupBody {
  const { sight } = lookup;
  const order = orderView(lookup.original, sight);
  // A payee sees the order and where it stands: nothing of the payer's funds, holds or webhook.
  if (sight === "payee") return { sight, order, duplicates: [], notifications: [] };
  return {
    sight,
    order,
    duplicates: lookup.duplicates.map((duplicate) => ({
      submissionId: duplicate.submissionId,
      receivedAt: duplicate.receivedAt,
      sameAsOriginal: duplicate.sameAsOriginal,
      valid: duplicate.valid,
    })),
    ...(lookup.duplicatesNotStored ? { duplicatesNotStored: lookup.duplicatesNotStored } : {}),
    ...(lookup.jsonUrl ? { jsonUrl: lookup.jsonUrl } : {}),
    ...fulfilmentView(lookup.original, sight),
    notifications: lookup.notifications.map(({ orderId: _order, leaseUntil: _lease, ...notification }) => notification),
  };
}
