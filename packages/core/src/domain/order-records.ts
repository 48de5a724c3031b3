import type { OrderLine } from "./fulfilment.ts";
import { toCents } from "./money.ts";
import { archiveKeyFor, type OrderMessage, type OrderRecord } from "./order.ts";
import type { ValidationResult } from "./validation.ts";

/**
 * A raw number from the order (valid or not) kept only if the table stores it
 * exactly: DynamoDB takes magnitudes from 1e-130 to below 1e126, and the
 * document client refuses any number past ±(2^53 − 1), which it could not
 * give back exactly (amount 2^53+1 made the record unwritable:
 * TABLE_UNAVAILABLE). -0 is kept as 0, as its JSON already says. Anything
 * else stays in the payload only.
 */
function storableNumber(value: unknown): number | undefined {
  if (typeof value !== "number" || !Number.isFinite(value)) return undefined;
  if (value === 0) return 0;
  const size = Math.abs(value);
  return size >= 1e-130 && size <= Number.MAX_SAFE_INTEGER ? value : undefined;
}

function storableString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function baseRecord(message: OrderMessage, verdict: ValidationResult, processedAt: Date) {
  const { order } = message;
  return {
    orderId: order.id,
    submissionId: message.submissionId,
    channel: message.channel,
    ...(message.submittedBy ? { submittedBy: message.submittedBy } : {}),
    payload: JSON.stringify(order),
    amount: storableNumber(order.amount),
    fromAccount: storableString(order.fromAccount),
    toAccount: storableString(order.toAccount),
    valid: verdict.valid,
    errors: verdict.valid ? [] : verdict.errors,
    receivedAt: message.receivedAt,
    processedAt: processedAt.toISOString(),
  };
}

/** The record of a submission that is the first of its order id. A valid one starts its saga PENDING. */
export function originalRecord(message: OrderMessage, verdict: ValidationResult, processedAt: Date): OrderRecord {
  const base = { ...baseRecord(message, verdict, processedAt), isDuplicate: false };
  if (!verdict.valid) return { ...base, status: "REJECTED" };
  const lines: OrderLine[] = (verdict.order.items ?? []).map((item) => ({
    sku: item.sku,
    quantity: item.quantity,
    unitPriceCents: toCents(item.unitPrice),
  }));
  return {
    ...base,
    status: "PENDING",
    s3Key: archiveKeyFor(message.order.id),
    amountCents: toCents(verdict.order.amount),
    lines,
  };
}
