import { orderIdOf, submissionIdOf } from "../../domain/dead-letter.ts";
import type { DuplicateRecord } from "../../domain/duplicates.ts";
import { OrderIdSchema, type OrderRecord } from "../../domain/order.ts";
import type { OrderRepository } from "../../ports.ts";

/** The record this very submission produced, if processing got that far: the original or a duplicate. */
export async function recordedSubmission(
  body: string,
  repository: Pick<OrderRepository, "findHistory">,
): Promise<OrderRecord | DuplicateRecord | undefined> {
  const orderId = OrderIdSchema.safeParse(orderIdOf(body));
  if (!orderId.success) return undefined;
  const history = await repository.findHistory(orderId.data);
  if (!history) return undefined;
  const submissionId = submissionIdOf(body);
  return [history.original, ...history.duplicates].find((record) => record.submissionId === submissionId);
}
