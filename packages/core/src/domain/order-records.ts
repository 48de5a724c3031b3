import { canonicalJson } from "./canonical-json.ts";
import type { OrderLine } from "./fulfilment.ts";
import { toCents } from "./money.ts";
import { archiveKeyFor, type OrderMessage, type OrderRecord } from "./order.ts";
import type { ValidationResult } from "./validation.ts";

/** DynamoDB numbers must lie within ±1e-130 … ±9.99e125. */
function storableNumber(value: unknown): number | undefined {
  if (typeof value !== "number" || !Number.isFinite(value)) return undefined;
  const size = Math.abs(value);
  return value === 0 || (size >= 1e-130 && size < 1e125) ? value : undefined;
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

/** The record of a later submission of an id that already has an original. */
export function duplicateRecord(
  message: OrderMessage,
  verdict: ValidationResult,
  original: OrderRecord,
  processedAt: Date,
): OrderRecord {
  return {
    ...baseRecord(message, verdict, processedAt),
    isDuplicate: true,
    status: "DUPLICATE",
    sameAsOriginal: canonicalJson(message.order) === canonicalJson(JSON.parse(original.payload)),
  };
}
