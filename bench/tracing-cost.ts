import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, round } from "@orders/harness/stats";

/**
 * What tracing costs per order, deployed: OrdersProcessor's CPU per order
 * (the processor-cpu phase: the real handler and SDK clients over a stub
 * HTTP handler) with Powertools Tracer recording, as on Lambda with active
 * tracing, against the same with tracing off. Each side runs in its own
 * process (the tracer is chosen when the module loads), the sides alternate,
 * and the segments the traced side sends go to a UDP socket standing in for
 * the X-Ray daemon, which counts them: proof that it recorded.
 */
const TRACING_ON = {
  AWS_EXECUTION_ENV: "AWS_Lambda_nodejs24.x",
  LAMBDA_TASK_ROOT: "/var/task",
  POWERTOOLS_TRACE_ENABLED: "true",
  _X_AMZN_TRACE_ID: "Root=1-675193f0-0123456789abcdef01234567;Parent=89abcdef01234567;Sampled=1",
};

interface ProcessorCpu {
  records: number;
  handlerPerSecond: number;
  barePerSecond: number;
}

function runPhase(env: Record<string, string>, records: number, out: string): Promise<ProcessorCpu> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, "phase.ts"), "processor-cpu", out, JSON.stringify({ records })],
      { env: { ...process.env, POWERTOOLS_LOG_LEVEL: "SILENT", ...env }, stdio: ["ignore", "ignore", "inherit"] },
    );
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(readFileSync(out, "utf8")) as ProcessorCpu) : reject(new Error(`exit ${code}`)),
    );
  });
}

export async function tracingCost(records: number, rounds: number) {
  const daemon = createSocket("udp4");
  let datagrams = 0;
  let bytes = 0;
  daemon.on("message", (message) => {
    datagrams++;
    bytes += message.length;
  });
  await new Promise<void>((resolve) => daemon.bind(0, "127.0.0.1", resolve));
  const address = `127.0.0.1:${daemon.address().port}`;
  const dir = mkdtempSync(join(tmpdir(), "orders-tracing-cost-"));
  const off: number[] = [];
  const on: number[] = [];
  let traced = 0;
  try {
    for (let r = 0; r < rounds; r++) {
      off.push(
        (await runPhase({ POWERTOOLS_TRACE_ENABLED: "false" }, records, join(dir, `off-${r}.json`))).handlerPerSecond,
      );
      const result = await runPhase(
        { ...TRACING_ON, AWS_XRAY_DAEMON_ADDRESS: address },
        records,
        join(dir, `on-${r}.json`),
      );
      on.push(result.handlerPerSecond);
      // The phase's warm-up (100 batches of 10) and its mocked-clients comparison run traced too.
      traced += result.records + 1000;
    }
  } finally {
    daemon.close();
  }
  const untracedPerSecond = round(median(off), 0);
  const tracedPerSecond = round(median(on), 0);
  return {
    records,
    rounds,
    untracedPerSecond,
    tracedPerSecond,
    /** Traced CPU per order over untraced: above 1 is what tracing costs. */
    cpuPerOrderRatio: round(untracedPerSecond / tracedPerSecond, 2),
    untracedRounds: off,
    tracedRounds: on,
    /** What the stand-in daemon received from the traced processes, at least one UDP datagram per segment document. */
    daemon: { datagrams, bytes, datagramsPerOrder: round(datagrams / Math.max(1, traced), 2) },
  };
}
