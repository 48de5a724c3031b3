import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const TRACING = join(import.meta.dirname, "../../../packages/functions/src/composition/tracing.ts");

/**
 * Runs `script` in a Node process set up as Lambda with active tracing sets
 * one up, its X-Ray daemon a UDP socket here; returns the segment documents
 * the X-Ray SDK sent.
 */
async function segmentsSentBy(script: string): Promise<string[]> {
  const daemon = createSocket("udp4");
  const received: string[] = [];
  daemon.on("message", (message) => received.push(message.toString("utf8")));
  await new Promise<void>((resolve) => daemon.bind(0, "127.0.0.1", resolve));
  try {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      env: {
        ...process.env,
        AWS_EXECUTION_ENV: "AWS_Lambda_nodejs24.x",
        LAMBDA_TASK_ROOT: "/var/task",
        POWERTOOLS_TRACE_ENABLED: "true",
        AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
        _X_AMZN_TRACE_ID: "Root=1-675193f0-aaaaaaaaaaaaaaaaaaaaaaaa;Parent=1111111111111111;Sampled=1",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code, stderr).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return received;
  } finally {
    daemon.close();
  }
}

describe("Powertools Tracer, as on Lambda with active tracing", () => {
  it("annotates orderId where X-Ray indexes it, in a route's invocation and in a queue record's", async () => {
    // Act: a route annotates in its invocation's (facade) segment; a record in its own subsegment.
    const sent = await segmentsSentBy(`
      const tracing = await import(${JSON.stringify(`file://${TRACING}`)});
      if (!tracing.tracer) throw new Error("the tracer did not load");
      tracing.annotateOrder("order-route");
      await tracing.inRecordTrace({ attributes: {} }, async () => tracing.annotateOrder("order-record"));
    `);
    // Assert
    const documents = sent.map((datagram) => JSON.parse(datagram.slice(datagram.indexOf("\n") + 1)));
    const annotated = documents.filter((doc) => doc.annotations?.orderId).map((doc) => doc.annotations.orderId);
    expect(annotated.sort()).toEqual(["order-record", "order-route"]);
    expect(documents.every((doc) => doc.trace_id === "1-675193f0-aaaaaaaaaaaaaaaaaaaaaaaa")).toBe(true);
  }, 30_000);
});
