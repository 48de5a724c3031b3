import type { BatchGetCommandInput, UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import type { FailureReport } from "../domain/dead-letter.ts";
import { attributeNames, setAssignments } from "./update-assignments.ts";

/**
 * The failure log's writes and reads, built as ElectroDB builds them for the
 * failure entity, without it (test/unit/adapters/failure-writes.test.ts
 * checks each against ElectroDB's `.params()`): a queue handler that records
 * why a message failed need not load ElectroDB.
 */

/** A message's failure item key, as ElectroDB writes it. */
export const failureKey = (messageKey: string) => ({ pk: `$orders#messageKey_${messageKey}`, sk: "$failure_1" });

/**
 * Record one failed attempt: the latest reason and time, the first time kept,
 * the attempts counted; the `byReason` index keys set again.
 */
export function recordFailureWrite(table: string, report: FailureReport): UpdateCommandInput {
  const fields: Record<string, unknown> = {
    __edb_e__: "failure",
    __edb_v__: "1",
    messageKey: report.messageKey,
    code: report.code,
    message: report.message,
    lastFailedAt: report.at,
    ...(report.orderId ? { orderId: report.orderId } : {}),
    ...(report.submissionId ? { submissionId: report.submissionId } : {}),
    gsi1pk: `$orders#code_${report.code}`,
    gsi1sk: `$failure_1#lastFailedAt_${report.at}`,
  };
  const { set, names, values } = setAssignments(fields);
  set.push("#firstFailedAt = if_not_exists(#firstFailedAt, :firstFailedAt_u0)");
  Object.assign(names, attributeNames("firstFailedAt", "attempts"));
  values[":firstFailedAt_u0"] = report.at;
  values[":attempts_u0"] = 1;
  return {
    TableName: table,
    UpdateExpression: `SET ${set.join(", ")} ADD #attempts :attempts_u0`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    Key: failureKey(report.messageKey),
  };
}

/** DynamoDB's limit of keys in one BatchGetItem, which ElectroDB splits by. */
const BATCH_GET_LIMIT = 100;

/** The batch reads of these messages' failure items, as ElectroDB's `get([...])` sends them. */
export function failuresRead(table: string, messageKeys: string[]): BatchGetCommandInput[] {
  const reads: BatchGetCommandInput[] = [];
  for (let from = 0; from < messageKeys.length; from += BATCH_GET_LIMIT) {
    const keys = messageKeys.slice(from, from + BATCH_GET_LIMIT).map(failureKey);
    reads.push({ RequestItems: { [table]: { Keys: keys } } });
  }
  return reads;
}
