import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchMetricsSource } from "@orders/core/adapters/cloudwatch-metrics-source";
import { metricsWindow } from "@orders/core/domain/metrics-overview";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getMetricData } from "../../../packages/local/src/local-cloudwatch.ts";
import { KEPT_MINUTES, LocalTelemetry, seriesKey } from "../../../packages/local/src/telemetry.ts";

const MINUTE = 60_000;
// The handlers' stdout, as the telemetry reads it: EMF lines written here are counted.
const stdout = { write: (_chunk: unknown) => true } as unknown as NodeJS.WriteStream;
const telemetry = new LocalTelemetry({ echo: false, streams: [stdout] });
let server: Server;
let source: CloudWatchMetricsSource;

/** An EMF line as Powertools writes it, at `at`. */
const emf = (at: number, values: Record<string, number>) =>
  JSON.stringify({
    _aws: {
      Timestamp: at,
      CloudWatchMetrics: [
        {
          Namespace: "orders",
          Dimensions: [["service", "stage"]],
          Metrics: Object.keys(values).map((Name) => ({ Name, Unit: "Count" })),
        },
      ],
    },
    service: "orders",
    stage: "local",
    ...values,
  });

beforeAll(async () => {
  // The local CloudWatch stand-in, served as the runtime serves it: the SDK posts to the endpoint's path + "/".
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const reply = getMetricData(Buffer.concat(chunks).toString("utf8"), telemetry);
      response.writeHead(reply.status, { "content-type": "application/json" });
      response.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = new CloudWatchClient({
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${port}/_local/cloudwatch`,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  source = new CloudWatchMetricsSource(client, {
    namespace: "orders",
    dimensions: { service: "orders", stage: "local" },
  });
  telemetry.install();
});

afterAll(() => {
  telemetry.uninstall();
  server?.close();
});

describe("the local runtime's CloudWatch stand-in", () => {
  it("answers the CloudWatch adapter's GetMetricData with the handlers' EMF counts, summed per minute", async () => {
    // Arrange: two documents in one minute, one in the next, and a DLQ depth reading.
    const now = Date.now();
    const window = metricsWindow(new Date(now), 5);
    const minute = (i: number) => window.from.getTime() + i * MINUTE;
    stdout.write(`${emf(minute(2) + 5_000, { OrdersConfirmed: 2, OrdersFailed: 1 })}\n`);
    stdout.write(
      `${emf(minute(2) + 30_000, { OrdersConfirmed: 1 })}\n${emf(minute(4) + 1_000, { OrdersConfirmed: 4 })}\n`,
    );
    telemetry.record(seriesKey("AWS/SQS", "ApproximateNumberOfMessagesVisible", "dlq"), 3, minute(3), "max");
    telemetry.record(seriesKey("AWS/SQS", "ApproximateNumberOfMessagesVisible", "dlq"), 7, minute(3) + 10_000, "max");

    // Act: through the real SDK client and its JSON protocol.
    const counts = await source.counts(["OrdersConfirmed", "OrdersFailed", "OrdersRejected"], window);
    const depths = await source.depths({ OrdersDlq: "dlq" }, window);

    // Assert
    expect(counts.OrdersConfirmed).toEqual([
      { at: new Date(minute(2)), value: 3 },
      { at: new Date(minute(4)), value: 4 },
    ]);
    expect(counts.OrdersFailed).toEqual([{ at: new Date(minute(2)), value: 1 }]);
    expect(counts.OrdersRejected).toEqual([]);
    expect(depths.OrdersDlq).toEqual([{ at: new Date(minute(3)), value: 7 }]);
  });

  it("refuses what it does not serve as CloudWatch would: a 400 with a reason", () => {
    expect(getMetricData("{}", telemetry).status).toBe(400);
    const hourly = {
      StartTime: 0,
      EndTime: 3600,
      MetricDataQueries: [
        { Id: "q", MetricStat: { Metric: { Namespace: "orders", MetricName: "X" }, Period: 3600, Stat: "Sum" } },
      ],
    };
    expect(getMetricData(JSON.stringify(hourly), telemetry)).toMatchObject({ status: 400 });
  });

  it("keeps the last KEPT_MINUTES minutes of readings and drops the older ones", () => {
    // Arrange
    const kept = new LocalTelemetry({ echo: false, streams: [] });
    const start = Date.UTC(2026, 0, 1);
    // Act: a reading a minute for longer than it keeps.
    for (let i = 0; i < KEPT_MINUTES + 30; i++) kept.record("orders/OrdersConfirmed", 1, start + i * MINUTE, "sum");
    // Assert
    const all = kept.series("orders/OrdersConfirmed", new Date(0), new Date(start + 1_000 * MINUTE));
    expect(all).toHaveLength(KEPT_MINUTES);
    expect(all[0]?.at).toEqual(new Date(start + 30 * MINUTE));
  });
});
