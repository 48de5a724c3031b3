import type { FaultRule, FaultStats } from "./faults.ts";
import type { CallCounts } from "./sdk-instrumentation.ts";
import type { TraceReport } from "./trace-spans.ts";

/** What a function's worker is started with (its environment is set apart, as `process.env`). */
export interface WorkerSetup {
  handler: string;
  functionName: string;
  timeoutSeconds: number;
  memoryMb: number;
  faultRules: FaultRule[];
  faultsSetAt: number;
  faultSeed: number | undefined;
  /** Where Node's compile cache is kept (worker-start.ts); none when undefined. */
  compileCacheDir: string | undefined;
  /** Record spans (span-recorder.ts) and hand them back with each result. */
  tracing: boolean;
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string | undefined;
}

/** Messages from the pool to a worker. */
export type ToWorker =
  /** `trace`: the invocation's trace header, which Lambda sets as `_X_AMZN_TRACE_ID`. */
  | { type: "invoke"; id: number; event: unknown; trace?: string | undefined }
  | { type: "faults"; rules: FaultRule[]; at: number };

/** Messages from a worker to the pool. */
export type FromWorker =
  | { type: "ready" }
  | { type: "init-error"; error: SerializedError }
  | ({ type: "result"; id: number; calls: CallCounts; faults: FaultStats; traces: TraceReport } & (
      | { ok: true; value: unknown }
      | { ok: false; error: SerializedError }
    ));
