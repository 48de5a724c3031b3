/**
 * One execution environment of one function, in a worker thread: its own
 * module state, its own `process.env` (only its links, set by the pool), and
 * one invocation at a time, as on Lambda. It loads the handler once (the cold
 * start), then runs the invocations the pool sends it, reporting with each
 * result the AWS calls made and the faults injected meanwhile.
 */
import { parentPort, workerData } from "node:worker_threads";
import { FaultSwitch, seededRandom } from "./faults.ts";
import { invocationContext, loadHandler } from "./handlers.ts";
import { type CallCounts, instrumentSdkClients } from "./sdk-instrumentation.ts";
import { handlerTracing, listenForTraces, SpanRecorder } from "./span-recorder.ts";
import type { FromWorker, ToWorker, WorkerSetup } from "./worker-protocol.ts";

const setup = workerData as WorkerSetup;
const port = parentPort;
if (!port) throw new Error("function-worker.ts runs only as a worker thread");
const post = (message: FromWorker) => port.postMessage(message);
const serialize = (error: unknown) => ({
  name: (error as Error)?.name ?? "Error",
  message: (error as Error)?.message ?? String(error),
  stack: (error as Error)?.stack,
});

const faults = new FaultSwitch(setup.faultSeed === undefined ? {} : { random: seededRandom(setup.faultSeed) });
faults.set(setup.faultRules, setup.faultsSetAt);
const calls: CallCounts = {};
const takeCalls = () => {
  const taken = { ...calls };
  for (const key of Object.keys(calls)) delete calls[key];
  return taken;
};

const recorder = setup.tracing ? new SpanRecorder(setup.functionName) : undefined;
const noTraces = { spans: [], orders: [] };

try {
  await instrumentSdkClients(faults, calls, recorder);
  const tracing = await handlerTracing();
  if (recorder) listenForTraces(recorder, tracing);
  const handler = await loadHandler<unknown, unknown>(setup.handler);
  port.on("message", async (message: ToWorker) => {
    if (message.type === "faults") return faults.set(message.rules, message.at);
    const context = invocationContext(setup.functionName, setup.timeoutSeconds, setup.memoryMb);
    // As Lambda does: the invocation's trace in _X_AMZN_TRACE_ID (one invocation at a time here).
    if (message.trace) process.env._X_AMZN_TRACE_ID = message.trace;
    else delete process.env._X_AMZN_TRACE_ID;
    try {
      const value = await tracing.inTrace(message.trace, async () => handler(message.event, context));
      post({
        type: "result",
        id: message.id,
        ok: true,
        value,
        calls: takeCalls(),
        faults: faults.takeStats(),
        traces: recorder?.take() ?? noTraces,
      });
    } catch (error) {
      post({
        type: "result",
        id: message.id,
        ok: false,
        error: serialize(error),
        calls: takeCalls(),
        faults: faults.takeStats(),
        traces: recorder?.take() ?? noTraces,
      });
    }
  });
  post({ type: "ready" });
} catch (error) {
  // Lambda's Runtime.ImportModuleError / init failure: this environment is unusable.
  post({ type: "init-error", error: serialize(error) });
}
