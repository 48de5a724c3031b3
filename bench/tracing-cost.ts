import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout } from "node:timers/promises";
import { startInProcess } from "@orders/harness/in-process-system";
import { median, pool, round } from "@orders/harness/stats";
import { LocalTelemetry } from "@orders/local/telemetry";
import { LINES, processedCount, sagaFixture, sagaOrder, setUpSagaFixture } from "./end-to-end.ts";

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

/**
 * What the local runtime's own recording costs per order: the same orders
 * through `npm start`'s runtime, in this process, with tracing on and off
 * (`tracing: false` records no span anywhere), alternating. CPU is the whole
 * process's (the runtime, every function's worker, the emulators), from the
 * first POST until every order is processed and every function is idle.
 */
export async function localTracingCost(orders: number, rounds: number) {
  const cpuPerOrder: { on: number[]; off: number[] } = { on: [], off: [] };
  const spans: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const tracing of [false, true]) {
      const telemetry = new LocalTelemetry({ echo: false, streams: [process.stdout] });
      telemetry.install();
      const adminToken = randomUUID();
      const system = await startInProcess("tracing", {
        pollers: 2,
        adminToken,
        telemetry,
        tracing,
        rateLimit: { ratePerSecond: 100_000, burst: 100_000 },
        log: () => undefined,
      });
      try {
        await system.warm();
        const tag = randomUUID().slice(0, 6);
        const fixture = sagaFixture(orders, tag);
        await setUpSagaFixture(system.url, adminToken, fixture);
        await system.idle();
        const before = processedCount(telemetry.counters);
        const told = telemetry.counters.NotificationsWithoutWebhook ?? 0;
        const started = process.cpuUsage();
        await pool(
          Array.from({ length: orders }, (_, i) => sagaOrder(fixture, `tc-${tag}-${i}`, i, LINES)),
          16,
          async (order) => {
            const answer = await fetch(`${system.url}/orders`, {
              method: "POST",
              headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
              body: JSON.stringify(order),
            });
            await answer.arrayBuffer();
          },
        );
        // Processed, then told (no webhook is set: the Notifier records each event NO_WEBHOOK).
        while (processedCount(telemetry.counters) < before + orders) await setTimeout(20);
        while ((telemetry.counters.NotificationsWithoutWebhook ?? 0) < told + orders) await setTimeout(20);
        await system.idle();
        const used = process.cpuUsage(started);
        (tracing ? cpuPerOrder.on : cpuPerOrder.off).push((used.user + used.system) / 1000 / orders);
        if (system.traces) spans.push(system.traces.tracesOf(`tc-${tag}-0`)[0]?.spans.length ?? 0);
      } finally {
        await system.stop();
        telemetry.uninstall();
      }
    }
  }
  const off = round(median(cpuPerOrder.off), 2);
  const on = round(median(cpuPerOrder.on), 2);
  return {
    orders,
    rounds,
    cpuMsPerOrder: { off, on },
    cpuPerOrderRatio: round(on / off, 2),
    spansPerOrder: median(spans),
    perRound: { off: cpuPerOrder.off.map((ms) => round(ms, 2)), on: cpuPerOrder.on.map((ms) => round(ms, 2)) },
  };
}
