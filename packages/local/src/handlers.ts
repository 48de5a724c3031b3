import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Context } from "aws-lambda";

export type Handler<E = unknown, R = unknown> = (event: E, context: Context) => Promise<R>;

/** The repository root: handler strings are relative to it, as in SST. */
export const repoRoot = join(import.meta.dirname, "../../..");

/**
 * Loads the export an SST handler string names, e.g.
 * `packages/functions/src/api/health.handler` → `health.ts`, export `handler`.
 */
export async function loadHandler<E, R>(handler: string): Promise<Handler<E, R>> {
  const file = handlerFile(handler);
  const exported = handler.slice(handler.lastIndexOf(".") + 1);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const fn = module[exported];
  if (typeof fn !== "function") throw new Error(`${handler}: ${file} has no exported function ${exported}`);
  return fn as Handler<E, R>;
}

/** The module file an SST handler string names, absolute. */
export function handlerFile(handler: string): string {
  return join(repoRoot, `${handler.slice(0, handler.lastIndexOf("."))}.ts`);
}

/** A Lambda context for one invocation. */
export function invocationContext(functionName: string, timeoutSeconds: number, memoryMb = 1024): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
