import { type DuplicateRecord, duplicateRecord } from "../domain/duplicates.ts";
import type { OrderMessage, OrderRecord } from "../domain/order.ts";
import { originalRecord } from "../domain/order-records.ts";
import type { OrderValidator } from "../domain/validation.ts";
import type { OrderArchive, OrderEventPublisher } from "../ports.ts";
import { announceOrder } from "./announce-order.ts";
import { type RunSagaDeps, runSaga } from "./run-saga.ts";

export interface ProcessOrderDeps extends RunSagaDeps {
  archive: OrderArchive;
  validate: OrderValidator;
  events: OrderEventPublisher;
}

export type ProcessOutcome = "original" | "redelivered" | "duplicate";

/**
 * What processing made of a submission. `endedHere`: this run recorded the
 * original's outcome: it claimed it (and judged it, or ran its saga to the
 * end), or it found it PENDING, an earlier attempt having failed part-way,
 * and ran its saga to the end. A redelivery of an order already ended did
 * not; the run that ended it counts it, once.
 */
export type ProcessOrderResult =
  | { outcome: "original" | "redelivered"; record: OrderRecord; endedHere: boolean }
  | { outcome: "duplicate"; record: DuplicateRecord; endedHere: false };

const systemClock = { now: () => new Date() };

/**
 * Validates one submission and records it. The first submission of an id is
 * claimed as the original with a conditional write; later submissions get
 * small records of their own flagged as duplicates, up to
 * MAX_STORED_DUPLICATES per id, and are only counted past it. Processing the same submission
 * again (an at-least-once redelivery) writes no new record; it only repeats
 * the idempotent archive write, in case the first attempt failed after the
 * record was written. A valid original then runs its saga, from wherever an
 * earlier delivery left it, to CONFIRMED or FAILED, and its outcome is
 * published; a redelivery that finds the order ended publishes it again.
 */
export async function processOrder(
  message: OrderMessage,
  deps: ProcessOrderDeps,
  attempt = 1,
): Promise<ProcessOrderResult> {
  const verdict = deps.validate(message.order);
  const now = (deps.clock ?? systemClock).now();
  const candidate = originalRecord(message, verdict, now);
  const claim = await deps.repository.claimOriginal(candidate);

  if (claim.outcome === "claimed" || claim.existing.submissionId === message.submissionId) {
    let record = claim.outcome === "claimed" ? candidate : claim.existing;
    const pending = record.status === "PENDING";
    if (record.s3Key) await deps.archive.put(record.s3Key, record.payload);
    if (pending) record = await runSaga(record, deps, { attempt });
    await announceOrder(record, deps.events);
    const claimed = claim.outcome === "claimed";
    return { outcome: claimed ? "original" : "redelivered", record, endedHere: claimed || pending };
  }

  const duplicate = duplicateRecord(message, verdict, claim.existing, now);
  await deps.repository.saveDuplicate(duplicate);
  return { outcome: "duplicate", record: duplicate, endedHere: false };
}
