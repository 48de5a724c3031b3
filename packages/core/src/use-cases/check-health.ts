import type { DeadLetterQueue, OrderArchive, OrderQueue, OrderRepository } from "../ports.ts";

export interface CheckHealthDeps {
  repository: OrderRepository;
  archive: OrderArchive;
  queue: OrderQueue;
  deadLetters: DeadLetterQueue;
  /** How long one check may take before it counts as failed. */
  timeoutMs?: number;
}

type CheckStatus = "ok" | "error";

/**
 * What a load balancer needs, and no more: the report is public. Each check
 * is up or down; how many dead letters wait is an operator's figure
 * (`countDeadLetters`, behind the admin token), never shown here.
 */
export interface HealthReport {
  status: CheckStatus;
  checks: {
    table: CheckStatus;
    bucket: CheckStatus;
    queue: CheckStatus;
    /** The DLQ answers: reading its depth is the probe, the number is dropped. */
    dlq: CheckStatus;
  };
  /** The names of the failing checks; empty when healthy. */
  failing: string[];
}

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks every dependency in parallel, each with a time limit. The report says
 * which checks failed but never why: reasons stay in the logs.
 */
export async function checkHealth(deps: CheckHealthDeps): Promise<HealthReport> {
  const ms = deps.timeoutMs ?? 2000;
  const [table, bucket, queue, dlq] = await Promise.allSettled([
    within(ms, deps.repository.ping()),
    within(ms, deps.archive.ping()),
    within(ms, deps.queue.ping()),
    within(ms, deps.deadLetters.depth()),
  ]);
  const status = (result: PromiseSettledResult<unknown>): CheckStatus =>
    result.status === "fulfilled" ? "ok" : "error";
  const checks: HealthReport["checks"] = {
    table: status(table),
    bucket: status(bucket),
    queue: status(queue),
    dlq: status(dlq),
  };
  const failing = Object.entries(checks)
    .filter(([, check]) => check === "error")
    .map(([name]) => name);
  return { status: failing.length === 0 ? "ok" : "error", checks, failing };
}
