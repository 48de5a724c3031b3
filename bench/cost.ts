import { ACCOUNT_ARCHIVE_AT, STOCK_ARCHIVE_AT } from "@orders/core/adapters/ledger-fence";
import type { CallCounts } from "./calls-per-order.ts";

export interface Pricing {
  apiGatewayHttpPerMillion: number;
  sqsPerMillionRequests: number;
  dynamoWritePerMillion: number;
  dynamoReadPerMillion: number;
  s3PutPer1000: number;
  s3GetPer1000: number;
  lambdaArmPerMillionRequests: number;
  lambdaArmPerGbSecond: number;
  snsPublishPerMillion: number;
}

export interface CostInput {
  calls: CallCounts;
  /** The event source mapping's receive and delete, shared by a batch. */
  batchSize: number;
  apiLambda: { ms: number; memoryMb: number };
  processorLambda: { msPerOrder: number; memoryMb: number };
  /**
   * The size of the stock and account items the saga writes, in KB (default
   * 1). DynamoDB bills a write per KB of the larger of the item's old and new
   * image, and an eventually consistent read half a unit per 4 KB; every order
   * leaves a marker in each sku's and account's item, so these items grow.
   */
  ledgerItemKb?: number;
  /**
   * Writes DynamoDB makes to global indexes per order, billed like table
   * writes (a unit per KB of the index entry) and invisible to the call
   * counts: see INDEX_WRITES_PER_CONFIRMED_ORDER. Default 0.
   */
  indexWrites?: number;
  /** Writes archiving makes per order, invisible to one order's call counts: see `archiveWritesPerOrder`. Default 0. */
  archiveWrites?: number;
}

/**
 * Writes that archiving settled markers makes per confirmed order of `lines`
 * lines (packages/core/src/adapters/ledger-fence.ts), each under 1 KB: its
 * two ledger entries (payer and payee) put as items of their own, each with
 * its `byAccount` index entry (gsi1, all attributes), so 2 × 2; each line's
 * reservation put as an item (no index), so `lines`. With `removals`, also
 * its share of the writes that take the archived markers out of their
 * items: one per `ACCOUNT_ARCHIVE_AT` settled markers of each account, one per
 * `STOCK_ARCHIVE_AT` of each sku.
 * The floor counts the puts: entries kept as items are what keeps every item
 * small, whatever the design.
 */
export function archiveWritesPerOrder(lines: number, removals: boolean): number {
  const puts = 2 * 2 + lines;
  if (!removals) return puts;
  return puts + 2 / ACCOUNT_ARCHIVE_AT + lines / STOCK_ARCHIVE_AT;
}

/**
 * Index writes of one confirmed original, each entry under 1 KB:
 * - the claim puts it in `pendingByAge` (gsi1, all attributes: 1) and in the
 *   keys-only listings `byPayer` (gsi2: 1) and `byPayee` (gsi3: 1);
 * - the resolve takes it out of gsi1 (1) and sets the listing keys to the
 *   values they had: DynamoDB writes an index only when its keys or projected
 *   attributes change, and the listings project none, so 0 there. No saga-log
 *   append and no status change touches them either.
 * Before the listings it was 2 (gsi1 in and out), which the model did not count.
 */
export const INDEX_WRITES_PER_CONFIRMED_ORDER = 4;

const WRITES = new Set(["DynamoDB:PutItem", "DynamoDB:UpdateItem", "DynamoDB:DeleteItem"]);
const READS = new Set(["DynamoDB:GetItem", "DynamoDB:Query"]);

/**
 * Dollars per million orders, line by line, for orders that each make
 * `input.calls`. The saga's UpdateItems but one (the order's own resolve) and
 * its BatchGetItem (both accounts, eventually consistent) touch ledger items
 * of `ledgerItemKb`.
 */
export function costPerMillion(input: CostInput, price: Pricing): Record<string, number> {
  const count = (match: (name: string) => boolean) =>
    Object.entries(input.calls).reduce((sum, [name, n]) => sum + (match(name) ? n : 0), 0);
  const itemKb = input.ledgerItemKb ?? 1;
  const sqsRequests = count((name) => name.startsWith("SQS:")) + 2 / input.batchSize;
  const gbSeconds = (ms: number, mb: number) => (ms / 1000) * (mb / 1024);
  const updates = count((name) => name === "DynamoDB:UpdateItem");
  const ledgerWrites = Math.max(0, updates - 1);
  const writeUnits =
    count((name) => WRITES.has(name)) -
    ledgerWrites +
    ledgerWrites * Math.ceil(itemKb) +
    (input.indexWrites ?? 0) +
    (input.archiveWrites ?? 0);
  // A BatchGetItem of two items, each half a unit per started 4 KB.
  const batchReadUnits = count((name) => name === "DynamoDB:BatchGetItem") * 2 * 0.5 * Math.ceil(itemKb / 4);
  return {
    "API Gateway": price.apiGatewayHttpPerMillion,
    "Lambda requests": price.lambdaArmPerMillionRequests * (1 + 1 / input.batchSize),
    "Lambda duration":
      1e6 *
      price.lambdaArmPerGbSecond *
      (gbSeconds(input.apiLambda.ms, input.apiLambda.memoryMb) +
        gbSeconds(input.processorLambda.msPerOrder, input.processorLambda.memoryMb)),
    SQS: price.sqsPerMillionRequests * sqsRequests,
    "DynamoDB writes": price.dynamoWritePerMillion * writeUnits,
    "DynamoDB reads": price.dynamoReadPerMillion * (count((name) => READS.has(name)) + batchReadUnits),
    "S3 PUT": price.s3PutPer1000 * 1000 * count((name) => name === "S3:PutObject"),
    // The order's events: one PublishBatch carries them all (SNS bills each 64 KB of it).
    "SNS publish": price.snsPublishPerMillion * count((name) => name.startsWith("SNS:")),
  };
}

/**
 * The floor of this architecture for a confirmed order of `lines` lines:
 * API Gateway, one API Lambda invocation, an SQS send plus a batched receive
 * and delete, the saga's 2k + 5 DynamoDB writes of items under 1 KB and the
 * index writes they cause, its ledger entries and reservations kept as items
 * of their own (`archiveWritesPerOrder`, without the removals), one
 * eventually consistent read of both accounts,
 * one S3 PUT, and one SNS publish of its outcome.
 */
export function floorPerMillion(
  price: Pricing,
  batchSize: number,
  lines = 0,
  indexWrites = INDEX_WRITES_PER_CONFIRMED_ORDER,
): number {
  return (
    price.apiGatewayHttpPerMillion +
    price.lambdaArmPerMillionRequests +
    price.sqsPerMillionRequests * (1 + 2 / batchSize) +
    price.dynamoWritePerMillion * (2 * lines + 5 + indexWrites + archiveWritesPerOrder(lines, false)) +
    price.dynamoReadPerMillion +
    price.s3PutPer1000 * 1000 +
    price.snsPublishPerMillion
  );
}
